# A million small objects, then every other one freed: pymalloc cannot return
# an arena while any block in it lives, so utilisation halves and RSS stays.
import gc
import time

objs = [(i, str(i)) for i in range(1_000_000)]
time.sleep(1.5)
del objs[::2]
gc.collect()
time.sleep(3)  # long enough for the agent's slower arena readings, even on a busy machine
