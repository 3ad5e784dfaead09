/* sd-error.h — Shopdesk's error domain */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SD_ERROR (sd_error_quark ())

typedef enum {
  SD_ERROR_FAILED,
  SD_ERROR_INVALID_INPUT,   /* a file, a row or a parameter that cannot be used */
  SD_ERROR_DATABASE,        /* SQLite said no */
  SD_ERROR_NOT_FOUND,
  SD_ERROR_TOO_LARGE,       /* would not fit in memory or a field limit */
  SD_ERROR_UNSUPPORTED,
  SD_ERROR_WRONG_FORMAT,    /* the file is of another format than the one chosen */
} SdError;

GQuark sd_error_quark (void);

G_END_DECLS
