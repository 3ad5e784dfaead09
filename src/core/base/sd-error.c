#include "sd-error.h"

G_DEFINE_QUARK (sd-error-quark, sd_error)
