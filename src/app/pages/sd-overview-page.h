/* sd-overview-page.h — the shop at a glance: figures over a date range compared with the
 * period before, sales over time, events, top products (each opens its product view),
 * imports */
#pragma once

#include <adwaita.h>

#include "sd-shop-summary.h"
#include "sd-store.h"

G_BEGIN_DECLS

#define SD_TYPE_OVERVIEW_PAGE (sd_overview_page_get_type ())
G_DECLARE_FINAL_TYPE (SdOverviewPage, sd_overview_page, SD, OVERVIEW_PAGE, GtkWidget)

SdStore  *sd_overview_page_get_store  (SdOverviewPage *self);
void      sd_overview_page_set_store  (SdOverviewPage *self,
                                       SdStore        *store);
/* TRUE while the figures are computed in the background. */
gboolean  sd_overview_page_get_loading (SdOverviewPage *self);
/* Counts the figures over @range (what the range menu does) and loads them again. */
void      sd_overview_page_set_range   (SdOverviewPage *self,
                                        const SdRange  *range);

G_END_DECLS
