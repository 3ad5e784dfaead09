/* sd-customers-page.h — how customers resemble each other
 *
 * A similarity heatmap of the most active customers (rows ordered so groups show) and a
 * map of taste (PCA of ALS customer factors) coloured by segment, country, k-means
 * cluster or, on the demo shop, the planted taste group. Computed as an SdJob
 * (sd-customer-map.h) when the page is shown and whenever the shop changes. Clicking a
 * customer activates "win.show-customer" with their external id.
 *
 * Actions: customers.refresh.
 */
#pragma once

#include <adwaita.h>

#include "sd-customer-map.h"
#include "sd-store.h"

G_BEGIN_DECLS

#define SD_TYPE_CUSTOMERS_PAGE (sd_customers_page_get_type ())
G_DECLARE_FINAL_TYPE (SdCustomersPage, sd_customers_page, SD, CUSTOMERS_PAGE, GtkWidget)

SdStore       *sd_customers_page_get_store    (SdCustomersPage *self);
void           sd_customers_page_set_store    (SdCustomersPage *self,
                                               SdStore         *store);
/* Property "loading": the maps are being computed (or wait to be, until shown). */
gboolean       sd_customers_page_get_loading  (SdCustomersPage *self);
/* The figures on show (NULL before the first computation ends). */
SdCustomerMap *sd_customers_page_get_map      (SdCustomersPage *self);
/* Colours the map by "segment", "country", "cluster" or "taste-group". */
gboolean       sd_customers_page_colour_by    (SdCustomersPage *self,
                                               const char      *id);

G_END_DECLS
