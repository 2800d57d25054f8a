# h264enc.c's NV12 pictures (for hardware encoders): the test compiles
# the module itself in, to reach its static functions.
UNIT_DEPS_h264nv12 := regress/unit/testjpeg.c
UNIT_LIBS_h264nv12 = $(RTSP_LIBS)
