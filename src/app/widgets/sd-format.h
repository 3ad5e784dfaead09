/* sd-format.h — numbers, money, dates and event kinds as people read them */
#pragma once

#include <gtk/gtk.h>

#include "sd-store.h"

G_BEGIN_DECLS

/* Numbers in the user's locale (decimal mark and grouping; the C locale gets the English
 * ones), money in the shop's currency placed as the locale places currency.
 * 541909 → "541,909" ("541.909" in German). */
char       *sd_format_count       (gint64       n);
/* 123456 cents → "1,234.56"; with a currency code ("GBP") → "£1,234.56". */
char       *sd_format_money       (gint64       cents,
                                   const char  *currency);
/* For headline figures: whole units ("£13,336"), and millions as "£13.34 M" — or, in a
 * language that counts in ten-thousands, 万, 亿 and 万亿 as the chart axes write them,
 * with no space: "£979.39万", "¥133.37亿". */
char       *sd_format_money_short (gint64       cents,
                                   const char  *currency);
/* An amount already written ("1.5万", "12,5k") with the currency's symbol where the locale
 * puts it ("£1.5万", "12,5k €"), or its code where it has none: a chart's money ticks. */
char       *sd_format_money_label (const char  *amount,
                                   const char  *currency);
/* @value with @decimals places and the locale's decimal mark, no grouping: for entries the
 * user edits ("12.50", "12,50"). */
char       *sd_format_decimal     (double       value,
                                   int          decimals);
/* A number as a person types it: the locale's or the English decimal mark, grouping by
 * either, currency symbols and spaces ignored ("£1,234.50", "1.234,50 €", "2.5"). FALSE
 * when it is not a number. */
gboolean    sd_format_parse_decimal (const char *text,
                                     double     *out);
/* A share of a whole (0…1) as a whole percentage, "37 %"; a share above nothing that
 * rounds to 0 is "<1 %", so a group that is there never reads as empty. */
char       *sd_format_share       (double       share);
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
 * knows it (德国); anything else as stored ("EIRE", "Unspecified", "DE"). */
const char *sd_format_country     (const char  *country);
/* 4 → "★★★★☆"; outside 1–5 → "". */
const char *sd_format_stars       (int          rating);

G_END_DECLS
