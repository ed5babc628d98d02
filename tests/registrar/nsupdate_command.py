#!/usr/bin/env python3
"""An operator's program for the `command` registrar: reads the desired set as JSON on
stdin and makes it the child's DS RRset in the loopback parent by nsupdate (TSIG).
Environment: ZW_PARENT (address), ZW_TSIG (key file), ZW_FAIL_ONCE (a file: if it exists,
remove it and exit 75, a temporary failure)."""
import json
import os
import subprocess
import sys

req = json.load(sys.stdin)
flag = os.environ.get("ZW_FAIL_ONCE")
if flag and os.path.exists(flag):
    os.remove(flag)
    print("registry busy, try later", file=sys.stderr)
    sys.exit(75)
zone = req["zone"]
script = "server %s\nupdate delete %s DS\n" % (os.environ["ZW_PARENT"], zone)
for ds in req["ds"]:
    script += "update add %s 30 IN DS %d %d %d %s\n" % (zone, ds["key_tag"], ds["algorithm"], ds["digest_type"], ds["digest"])
script += "send\n"
r = subprocess.run(["nsupdate", "-t", "3", "-k", os.environ["ZW_TSIG"]], input=script, text=True,
                   capture_output=True, timeout=15)
if r.returncode != 0:
    print("nsupdate: " + r.stderr.strip(), file=sys.stderr)
    sys.exit(75)
print("request %d: %d DS for %s" % (req["request_id"], len(req["ds"]), zone))
