APP_NAME := test_fault
APP_SRCS := test_fault.c
APP_LIBS := core
APP_KEYS := mode
APP_KEY_mode := exit7
APP_HELP_mode := exit7 text data null stack smash panic badptr sleep
