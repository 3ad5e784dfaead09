/* sd-fairness-page.h — who the live model serves well and what it shows, with a fix:
 * quality per customer group with intervals, exposure of items against sales, popularity
 * bias, and a re-ranking (kind and one strength) shown before and after, which can be saved
 * with the live model */
#pragma once

#include <adwaita.h>

#include "sd-fairness.h"
#include "sd-store.h"

G_BEGIN_DECLS

#define SD_TYPE_FAIRNESS_PAGE (sd_fairness_page_get_type ())
G_DECLARE_FINAL_TYPE (SdFairnessPage, sd_fairness_page, SD, FAIRNESS_PAGE, GtkWidget)

SdStore                *sd_fairness_page_get_store   (SdFairnessPage     *self);
void                    sd_fairness_page_set_store   (SdFairnessPage     *self,
                                                      SdStore            *store);
/* TRUE while a report is computed. */
gboolean                sd_fairness_page_get_loading (SdFairnessPage     *self);
/* Chooses a re-ranking (what the row and the slider do) and measures again. */
void                    sd_fairness_page_set_rerank  (SdFairnessPage     *self,
                                                      const SdRerankSpec *spec);
/* The report shown, or NULL. */
const SdFairnessReport *sd_fairness_page_get_report  (SdFairnessPage     *self);
/* Shows the groups of one grouping ("segment", "country", "rfm", …). */
void                    sd_fairness_page_show_groups (SdFairnessPage     *self,
                                                      const char         *by);

G_END_DECLS
