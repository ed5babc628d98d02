#!/usr/bin/env python3
"""Runs one of the registrar API simulators of tests/registrar (ovh_sim.py, gandi_sim.py)
unchanged, with the TTL of the DS records it publishes at the loopback parent set by
--ds-ttl (the simulators hard-code 30 s; the end-to-end policies use seconds, and the
policy's parent.ds-ttl must match what the parent serves).

  registrar_sim.py --kind ovh|gandi --ds-ttl 5 <the simulator's own arguments>"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "registrar"))

import sim_common  # noqa: E402  (path set above)


def take(argv, flag):
    i = argv.index(flag)
    value = argv[i + 1]
    del argv[i:i + 2]
    return value


def main():
    argv = sys.argv[1:]
    kind = take(argv, "--kind")
    ttl = int(take(argv, "--ds-ttl"))
    parent_init = sim_common.Parent.__init__

    def init(self, server, tsig_file, zone, _ttl=30):
        parent_init(self, server, tsig_file, zone, ttl)

    sim_common.Parent.__init__ = init
    if kind == "ovh":
        import ovh_sim as sim
    elif kind == "gandi":
        import gandi_sim as sim
    else:
        sys.exit("--kind must be ovh or gandi")
    sys.argv = [sim.__file__] + argv
    sim.main()


if __name__ == "__main__":
    main()
