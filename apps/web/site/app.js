// The example site's script: shows the browser's clock.
"use strict";
(function () {
	var el = document.getElementById("now");
	if (!el) {
		return;
	}
	function tick() {
		el.textContent = new Date().toISOString();
	}
	tick();
	setInterval(tick, 1000);
})();
