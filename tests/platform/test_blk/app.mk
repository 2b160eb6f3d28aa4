APP_NAME := test_blk
APP_SRCS := test_blk.c
APP_LIBS := core
APP_DEVICES := block:storage
