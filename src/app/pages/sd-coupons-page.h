/* sd-coupons-page.h — coupon rules: list, editor, live preview of reach and cost, history */
#pragma once

#include <adwaita.h>

#include "sd-store.h"

G_BEGIN_DECLS

#define SD_TYPE_COUPONS_PAGE (sd_coupons_page_get_type ())
G_DECLARE_FINAL_TYPE (SdCouponsPage, sd_coupons_page, SD, COUPONS_PAGE, GtkWidget)

SdStore  *sd_coupons_page_get_store     (SdCouponsPage *self);
void      sd_coupons_page_set_store     (SdCouponsPage *self,
                                         SdStore       *store);
/* For tests: the customers the rule in the editor reaches, once its preview is done
 * (-1 while it is computed). */
int       sd_coupons_page_get_reach     (SdCouponsPage *self);
/* For tests: whether the rules, the shop's values or its customers are being read. */
gboolean  sd_coupons_page_is_loading    (SdCouponsPage *self);
/* Whether the editor holds edits not saved yet (its rule's row shows "•"). */
gboolean  sd_coupons_page_has_unsaved_changes (SdCouponsPage *self);
/* Selects the rule called @name; FALSE when there is none. With unsaved edits, this asks
 * "Discard Changes?" first. */
gboolean  sd_coupons_page_select_rule   (SdCouponsPage *self,
                                         const char    *name);

G_END_DECLS
