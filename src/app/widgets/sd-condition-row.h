/* sd-condition-row.h — one condition of a coupon rule, edited with widgets
 *
 * A kind ("Country is", "Lifetime spend", …), a comparison where the kind takes one, a
 * value, a "not" toggle and a remove button. The row turns itself into an SdCondition
 * (sd_condition_row_build), marking the value entry when it cannot be read. Given the
 * shop's values, it suggests them as the value is typed and says when a name is not the
 * shop's, with the closest one to apply in a click.
 */
#pragma once

#include <gtk/gtk.h>

#include "sd-coupon-rule.h"
#include "sd-shop-values.h"

G_BEGIN_DECLS

#define SD_TYPE_CONDITION_ROW (sd_condition_row_get_type ())
G_DECLARE_FINAL_TYPE (SdConditionRow, sd_condition_row, SD, CONDITION_ROW, GtkListBoxRow)

/* @cond may be NULL (a new "Segment is" row). A NOT around a leaf shows as the toggle. */
GtkWidget   *sd_condition_row_new   (const SdCondition *cond);
/* The shop's own values (countries, segments, …) for suggestions and checks, and its
 * currency for money values; either may be NULL. */
void         sd_condition_row_set_shop (SdConditionRow *self,
                                        SdShopValues   *values,
                                        const char     *currency);
/* What the row holds, as text: equal snapshots mean nothing was edited. */
char        *sd_condition_row_snapshot (SdConditionRow *self);
/* The check's finding shown under the value ("No customer has country “Frnace” — did you
 * mean France?"), or NULL when every name is the shop's. */
const char  *sd_condition_row_get_hint (SdConditionRow *self);
/* Applies the hint's suggestion, as a click on it does; FALSE when there is none. */
gboolean     sd_condition_row_apply_suggestion (SdConditionRow *self);
/* NULL with @error naming the row's problem when its value cannot be read. */
/* Saved audiences (NULL-terminated names) the “In audience” condition suggests. */
void         sd_condition_row_set_audiences (SdConditionRow     *self,
                                             const char * const *names);
SdCondition *sd_condition_row_build (SdConditionRow    *self,
                                     GError           **error);

G_END_DECLS
