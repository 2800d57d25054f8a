#!/usr/bin/env python3
"""Talk-back test helper.

  talkcheck.py wav FILE SECONDS [RATE CHANNELS BITS]   write a test WAV
  talkcheck.py check LOG CAM MARGIN WAV...            camsim got exactly them
  talkcheck.py last LOG CAM WAV                        its last talk was exactly WAV

'check' reads camsim's --log: the talk lines of CAM must carry, in order,
the G.711 A-law encoding of the WAV's samples (computed here with
Python's audioop, an independent encoder), with msg_flag 0, deal_flag 1,
consecutive pkg_ids, the same forward id in every packet; and the audio
must have arrived at real-time pace: first to last arrival plus one
packet's duration equals the WAV's duration within the given margin.
"""
import hashlib
import json
import math
import struct
import sys
import warnings

warnings.simplefilter("ignore", DeprecationWarning)
import audioop  # noqa: E402


def make_wav(path, seconds, rate=8000, channels=1, bits=16):
    n = int(seconds * rate)
    frames = bytearray()
    for i in range(n):
        # A sweep with noise-like harmonics, through all A-law segments.
        v = int(30000 * math.sin(2 * math.pi * (200 + 600 * i / max(n, 1)) * i / rate)
                * (0.1 + 0.9 * ((i * 7919) % 1000) / 1000.0))
        for _ in range(channels):
            if bits == 16:
                frames += struct.pack("<h", v)
            else:
                frames += struct.pack("<B", (v >> 8) + 128)
    width = bits // 8
    hdr = b"RIFF" + struct.pack("<I", 36 + len(frames)) + b"WAVE"
    hdr += b"fmt " + struct.pack("<IHHIIHH", 16, 1, channels, rate,
                                 rate * channels * width, channels * width, bits)
    # A chunk between fmt and data, as many writers put there.
    hdr += b"LIST" + struct.pack("<I", 10) + b"INFOIS\x02\x00ab"
    hdr += b"data" + struct.pack("<I", len(frames))
    with open(path, "wb") as f:
        f.write(hdr + frames)


def wav_samples(path):
    data = open(path, "rb").read()
    off = 12
    while off + 8 <= len(data):
        cid, size = data[off:off + 4], struct.unpack("<I", data[off + 4:off + 8])[0]
        if cid == b"data":
            return data[off + 8:off + 8 + size]
        off += 8 + size + (size & 1)
    raise SystemExit("no data chunk in %s" % path)


def check(log, cam, wavs, margin):
    """All talk-back camsim got for cam: the WAVs, one after the other;
    with one WAV and a margin (seconds, "-" for none), also the pace."""
    pcm = b"".join(wav_samples(w) for w in wavs)
    want = audioop.lin2alaw(pcm, 2)
    pkts = []
    for line in open(log):
        e = json.loads(line)
        if e.get("ev") == "talk" and e.get("cam") == cam:
            pkts.append(e)
    if not pkts:
        raise SystemExit("camsim received no talk-back audio for %s" % cam)
    last = pkts[-1]
    got_sha = last["sha256"]
    want_sha = hashlib.sha256(want).hexdigest()
    if last["bytes"] != len(want) or got_sha != want_sha:
        raise SystemExit("camsim got %d bytes (sha256 %s), want the A-law of "
                         "the WAV: %d bytes (sha256 %s)" %
                         (last["bytes"], got_sha, len(want), want_sha))
    for a, b in zip(pkts, pkts[1:]):
        # Consecutive within one stream; a new stream counts from 0.
        if b["pkg"] != a["pkg"] + 1 and b["pkg"] != 0:
            raise SystemExit("pkg_ids not consecutive: %d then %d" % (a["pkg"], b["pkg"]))
    for p in pkts:
        if p["msg_flag"] != 0 or p["deal_flag"] != 1 or p["fwd"] != pkts[0]["fwd"] \
                or p["len"] > 320:
            raise SystemExit("bad talk header: %r" % p)
    dur = len(want) / 8000.0
    span = last["t"] - pkts[0]["t"] + last["len"] / 8000.0
    if margin is not None and len(wavs) == 1 and abs(span - dur) > margin:
        raise SystemExit("%.2f s of audio took %.3f s to arrive (margin %.2f)" %
                         (dur, span, margin))
    # No bursts: no gap between packets much shorter than their audio.
    bursts = 0
    for a, b in zip(pkts, pkts[1:]):
        if b["t"] - a["t"] < a["len"] / 8000.0 * 0.25:
            bursts += 1
    print("talk ok: %d packets, %d bytes, span %.3f s for %.3f s, %d close pairs, "
          "pkg %d..%d, fwd %s" % (len(pkts), last["bytes"], span, dur, bursts,
                                  pkts[0]["pkg"], last["pkg"], pkts[0]["fwd"]))
    if bursts > len(pkts) // 10:
        raise SystemExit("audio sent in bursts: %d of %d gaps under a quarter "
                         "of a packet" % (bursts, len(pkts)))


def check_last(log, cam, wav):
    want = audioop.lin2alaw(wav_samples(wav), 2)
    pkts = [e for e in map(json.loads, open(log))
            if e.get("ev") == "talk" and e.get("cam") == cam]
    if not pkts:
        raise SystemExit("camsim received no talk-back audio for %s" % cam)
    last = pkts[-1]
    if last["talk_bytes"] != len(want) or \
            last["talk_sha256"] != hashlib.sha256(want).hexdigest():
        raise SystemExit("last talk (#%d): %d bytes, want exactly the A-law "
                         "of %s (%d bytes)" % (last["talk"], last["talk_bytes"],
                                               wav, len(want)))
    print("last talk #%d is exactly %s" % (last["talk"], wav))


def main():
    if sys.argv[1] == "wav":
        args = [float(sys.argv[3])] + [int(x) for x in sys.argv[4:]]
        make_wav(sys.argv[2], *args)
    elif sys.argv[1] == "check":
        margin = None if sys.argv[4] == "-" else float(sys.argv[4])
        check(sys.argv[2], sys.argv[3], sys.argv[5:], margin)
    elif sys.argv[1] == "last":
        check_last(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
