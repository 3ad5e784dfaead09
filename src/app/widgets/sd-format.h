/* sd-format.h — numbers, money, dates and event kinds as people read them */
#pragma once

#include <glib.h>

#include "sd-store.h"

G_BEGIN_DECLS

/* 541909 → "541,909" (grouping by thousands, whatever the locale's printf does). */
char       *sd_format_count       (gint64       n);
/* 123456 cents → "1,234.56"; with a currency code ("GBP") → "£1,234.56". */
char       *sd_format_money       (gint64       cents,
                                   const char  *currency);
/* For headline figures: whole units ("£13,336"), and millions as "£13.34 M". */
char       *sd_format_money_short (gint64       cents,
                                   const char  *currency);
/* Unix seconds (UTC) → "2010-12-01 08:26"; 0 or negative → "—". */
char       *sd_format_time        (gint64       unix_seconds);
/* "View", "Added to cart", … (translated). */
const char *sd_format_event_kind  (SdEventKind  kind);
/* 4 → "★★★★☆"; outside 1–5 → "". */
const char *sd_format_stars       (int          rating);

G_END_DECLS
