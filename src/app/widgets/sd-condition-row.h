/* sd-condition-row.h — one condition of a coupon rule, edited with widgets
 *
 * A kind ("Country is", "Lifetime spend", …), a comparison where the kind takes one, a
 * value, a "not" toggle and a remove button. The row turns itself into an SdCondition
 * (sd_condition_row_build), marking the value entry when it cannot be read.
 */
#pragma once

#include <gtk/gtk.h>

#include "sd-coupon-rule.h"

G_BEGIN_DECLS

#define SD_TYPE_CONDITION_ROW (sd_condition_row_get_type ())
G_DECLARE_FINAL_TYPE (SdConditionRow, sd_condition_row, SD, CONDITION_ROW, GtkListBoxRow)

/* @cond may be NULL (a new "Segment is" row). A NOT around a leaf shows as the toggle. */
GtkWidget   *sd_condition_row_new   (const SdCondition *cond);
/* NULL with @error naming the row's problem when its value cannot be read. */
/* Saved audiences (NULL-terminated names) the “In audience” condition suggests. */
void         sd_condition_row_set_audiences (SdConditionRow     *self,
                                             const char * const *names);
SdCondition *sd_condition_row_build (SdConditionRow    *self,
                                     GError           **error);

G_END_DECLS
