COMMON_SRCS	:= common/log.c common/wire.c common/chan.c common/json.c \
		   common/jsonw.c common/proc.c \
		   common/caminfo.c common/diaginfo.c common/sandbox.c common/wav.c common/hist.c \
		   common/wifiscan.c common/base64.c common/basicauth.c common/rtspurl.c \
		   common/sibling.c common/framering.c common/fringtab.c \
		   common/testhook.c
COMMON_OBJS	:= $(call objs,$(COMMON_SRCS))
