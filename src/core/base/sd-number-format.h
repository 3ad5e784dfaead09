/* sd-number-format.h — numbers and money as people read them
 *
 * For text people read (the pages, the CLI's tables and reports), never for what machines
 * read (--json, --csv, stored summaries), which keep '.' decimals in every locale. GLib
 * only, so the CLI writes a count or an amount as the window does. */
#pragma once

#include <glib.h>

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
/* A share (0…1) as a percentage with @decimals places and the locale's decimal mark:
 * 0.0789 → "7.9 %" ("7,9 %" in German), for figures compared to a tenth of a percent. */
char       *sd_format_percent     (double       share,
                                   int          decimals);
G_END_DECLS
