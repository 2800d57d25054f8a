#include "camsim.h"
int ap_main(struct camsim *cs) { return 1; }
