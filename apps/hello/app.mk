# apps/hello: the smallest appliance: greets, runs three timers, exits.
APP_NAME := hello
APP_SRCS := hello.c
APP_LIBS := core
# No devices. A network appliance would say: APP_DEVICES := net:service
APP_DEVICES :=
APP_KEYS := name
APP_KEY_name := world
APP_HELP_name := who to greet
APP_DATA := motd=motd.txt
