/* sd-format.h — numbers, money, dates and event kinds as people read them */
#pragma once

#include <gtk/gtk.h>

#include "sd-number-format.h"
#include "sd-store.h"

G_BEGIN_DECLS

/* Unix seconds (UTC) → "1 Dec 2010 08:26", the date as sd_time_format_date() writes it
 * (translated); 0 or negative → "—". */
char       *sd_format_time        (gint64       unix_seconds);
/* An order's status as stored (sd-store.c: paid, shipped, …) → "Paid", "Shipped", …
 * (translated); a status Shopdesk does not know as stored, NULL as "—". */
const char *sd_format_order_status (const char *status);
/* A customer's segment as stored: the demo shop's (regular, vip) and the RFM groups' ids
 * (new, at-risk, …) translated ("VIP", "At risk"); a segment the shop named itself as
 * stored. */
const char *sd_format_segment     (const char  *segment);
/* "View", "Added to cart", … (translated). */
const char *sd_format_event_kind  (SdEventKind  kind);
/* Attributes for a wrapping label of @text that keep each run of characters between
 * spaces on one line ("英国", "2026年4月21日"), where Chinese would let a line break
 * between any two characters: for short parts joined by " · ", where a break inside one
 * reads as two words. The text itself is left as it is, so what a person selects and
 * copies is the text (word joiners, U+2060, would be copied along). Byte ranges. */
PangoAttrList *sd_format_word_attributes (const char *text);
/* Sets @text on @label with sd_format_word_attributes(). */
void        sd_format_label_keep_words (GtkLabel    *label,
                                        const char  *text);
/* A country as the shop stores it ("Germany"), named in the user's language where iso-codes
 * knows it (德国), as are exports' own spellings ("EIRE": 爱尔兰, "RSA", "USA", and the places
 * that are not countries, "Unspecified": 未指定); anything else as stored ("DE"). In English,
 * as stored. */
const char *sd_format_country     (const char  *country);
/* 4 → "★★★★☆"; outside 1–5 → "". */
const char *sd_format_stars       (int          rating);

G_END_DECLS
