/* SPDX-License-Identifier: ISC */
/*
 * net_boot.c: a stack configured from the appliance's boot keys. Apart
 * from net.c so that code using the stack without an appliance (tests,
 * fuzz targets) does not pull in the boot glue.
 */
#include <stddef.h>

#include "mg/app.h"
#include "mg/loop.h"
#include "mg/net.h"

int
mg_net_open_boot(struct mg_loop *l, const char *dev, struct mg_net **out)
{
	struct mg_net_config cfg;
	int rc;

	rc = mg_net_config_parse(&cfg, mg_app_key("ip"), mg_app_key("gw"),
	    mg_app_key("net"));
	if (rc < 0)
		return rc;
	cfg.dev = dev;
	return mg_net_open(l, &cfg, out);
}
