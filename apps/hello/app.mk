# apps/hello: the smallest appliance: greets, runs three timers, exits.
APP_NAME := hello
APP_SRCS := hello.c
APP_LIBS := core
# No devices. A network appliance would say: APP_DEVICES := net:service
APP_DEVICES :=
APP_KEYS := name ticks interval
APP_KEY_name := world
APP_HELP_name := who to greet
APP_KEY_ticks := 3
APP_HELP_ticks := how many timer ticks before exiting (0: exit at once)
APP_KEY_interval := 100
APP_HELP_interval := milliseconds between ticks
APP_DATA := motd=motd.txt
