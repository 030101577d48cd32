import os
import sys
import tempfile
import unittest

from memsight.identity import clean_labels, instance_identity, new_instance_id, worker_name


class WorkerNameTest(unittest.TestCase):
    def proc_with_parent(self, cmdline: bytes) -> str:
        root = tempfile.mkdtemp()
        os.makedirs(os.path.join(root, str(os.getppid())))
        with open(os.path.join(root, str(os.getppid()), "cmdline"), "wb") as f:
            f.write(cmdline)
        return root

    def test_a_gunicorn_worker_is_named_by_its_pid_and_the_master_as_master(self):
        worker_proc = self.proc_with_parent(b"/usr/bin/python3\0/usr/bin/gunicorn\0-w\0002\0app:app\0")
        master_proc = self.proc_with_parent(b"-bash\0")
        argv = ["/usr/bin/gunicorn", "-w", "2", "app:app"]
        self.assertEqual(worker_name(argv=argv, proc_root=worker_proc), f"gunicorn:{os.getpid()}")
        self.assertEqual(worker_name(argv=argv, proc_root=master_proc), "gunicorn:master")
        self.assertEqual(worker_name(argv=["/venv/lib/python3.11/site-packages/gunicorn/__main__.py"], proc_root=master_proc), "gunicorn:master")

    def test_the_environment_names_gunicorn_when_argv_does_not(self):
        self.assertEqual(worker_name("gunicorn/20.1.0", argv=["app"], proc_root="/nonexistent"), "gunicorn:master")

    def test_uwsgi_outside_uwsgi_is_named_without_a_number(self):
        self.assertNotIn("uwsgi", sys.modules)
        self.assertEqual(worker_name(under_uwsgi=True, argv=["x"]), "uwsgi")

    def test_a_plain_process_is_no_worker(self):
        self.assertIsNone(worker_name(argv=["python3", "app.py"], proc_root="/nonexistent"))


class IdentityTest(unittest.TestCase):
    def test_ids_are_new_every_time(self):
        self.assertNotEqual(new_instance_id(), new_instance_id())

    def test_labels_the_contract_refuses_are_left_out(self):
        labels = clean_labels({"ok": 1, "bad key": "x", "v" * 129: "y", "long": "z" * 300,
                               "app.kubernetes.io/name": "shop"})
        self.assertEqual(labels, {"ok": "1", "long": "z" * 256, "app.kubernetes.io/name": "shop"})

    def test_the_worker_and_limit_go_into_the_identity_only_when_known(self):
        bare = instance_identity("app", "py-1", 1000)
        self.assertNotIn("worker", bare)
        self.assertNotIn("memoryLimitBytes", bare)
        full = instance_identity("app", "py-1", 1000, worker="gunicorn:12", memory_limit=1 << 30)
        self.assertEqual((full["worker"], full["memoryLimitBytes"]), ("gunicorn:12", 1 << 30))


if __name__ == "__main__":
    unittest.main()
