"""One collector per module. Each takes the paths it reads (`proc_root`,
`pid`, cgroup root) and any clock as parameters, returns plain data, and
fails soft: an unreadable file is a missing key, never an exception."""
