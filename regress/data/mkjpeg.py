# Makes the test images of regress/data (run once; the .jpg files are committed):
#   python3 mkjpeg.py && cjpeg -quality Q -baseline -sample 2x2 fK.ppm > sceneK.jpg
#   (Q = 55, 70, 50, 75, 60 for K = 1..5), small/tiny.jpg from tiny.ppm at -quality 50.
# Smooth synthetic scenes with noise: 640x480 baseline JPEG, 23-30 KB.
import math, random
W, H = 640, 480
def img(k, path):
    random.seed(k)
    out = bytearray(b"P6\n%d %d\n255\n" % (W, H))
    fx = [random.uniform(0.005, 0.03) for _ in range(6)]
    ph = [random.uniform(0, 6.28) for _ in range(6)]
    for y in range(H):
        for x in range(W):
            v1 = math.sin(x*fx[0] + ph[0]) + math.sin(y*fx[1] + ph[1]) + math.sin((x+y)*fx[2] + ph[2])
            v2 = math.sin(math.hypot(x-320, y-240)*fx[3] + ph[3]) + math.sin(x*fx[4]-y*fx[5])
            n = random.randint(-12, 12) if k % 2 else random.randint(-6, 6)
            r = int(128 + 40*v1 + n); g = int(128 + 50*v2 + n); b = int(128 + 30*(v1 - v2) + n)
            # a few blocks like a scene
            if (x // 80 + y // 60 + k) % 7 == 0: r, g, b = 200 - y // 4, 180, 60 + x // 8
            out += bytes((max(0, min(255, r)), max(0, min(255, g)), max(0, min(255, b))))
    open(path, "wb").write(out)
for k in range(1, 6):
    img(k, "f%d.ppm" % k)

o = bytearray(b"P6\n32 24\n255\n")
for y in range(24):
    for x in range(32):
        o += bytes((x * 8, y * 10, 128))
open("tiny.ppm", "wb").write(o)
