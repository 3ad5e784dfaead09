/* sd-recommendations-page.h — one customer: who they are, what they did, the offers they
 * get and what the models recommend to them, and why
 *
 * A customer is found with the search entry (ctrl+F) or opened from elsewhere with the
 * window action "win.show-customer" (sd-window.c calls sd_recommendations_page_show_customer).
 * Everything that reads more than a row or two — the interaction matrix, stored models,
 * the coupon engine's facts, scoring — runs in an SdJob; what was loaded is kept per shop
 * until the shop changes, so looking at the next customer or changing a filter is quick.
 *
 * Actions: recommendations.search, recommendations.export, recommendations.train
 * (parameter "s": a model name), recommendations.refresh.
 */
#pragma once

#include <adwaita.h>

#include "sd-store.h"

G_BEGIN_DECLS

#define SD_TYPE_RECOMMENDATIONS_PAGE (sd_recommendations_page_get_type ())
G_DECLARE_FINAL_TYPE (SdRecommendationsPage, sd_recommendations_page, SD, RECOMMENDATIONS_PAGE, GtkWidget)

SdStore    *sd_recommendations_page_get_store        (SdRecommendationsPage *self);
void        sd_recommendations_page_set_store        (SdRecommendationsPage *self,
                                                      SdStore               *store);
/* @key: the customer's external id, or a customers.id. FALSE (and nothing changes) when
 * the shop has no such customer. */
gboolean    sd_recommendations_page_show_customer    (SdRecommendationsPage *self,
                                                      const char            *key);
/* customers.id of the customer on show, -1 for none. */
gint64      sd_recommendations_page_get_customer_id  (SdRecommendationsPage *self);
/* Property "loading": the customer's view is being computed. */
gboolean    sd_recommendations_page_get_loading      (SdRecommendationsPage *self);

/* The model picked for @column (0 or 1): a name ("ease"), or "live:" and the live model's
 * algorithm ("live:ease") for the live model, which the picker starts on. */
const char *sd_recommendations_page_get_model        (SdRecommendationsPage *self,
                                                      guint                  column);
/* The model of @column (0, or 1 when comparing). FALSE for an unknown name. */
gboolean    sd_recommendations_page_select_model     (SdRecommendationsPage *self,
                                                      guint                  column,
                                                      const char            *name);
void        sd_recommendations_page_set_count        (SdRecommendationsPage *self,
                                                      guint                  n);
void        sd_recommendations_page_set_compare      (SdRecommendationsPage *self,
                                                      gboolean               compare);
/* What is on show (0 before the first view is computed). */
guint       sd_recommendations_page_get_n_items      (SdRecommendationsPage *self,
                                                      guint                  column);
gint64      sd_recommendations_page_get_item_product (SdRecommendationsPage *self,
                                                      guint                  column,
                                                      guint                  index);
const char *sd_recommendations_page_get_item_explanation (SdRecommendationsPage *self,
                                                          guint                  column,
                                                          guint                  index);
/* The same, and in @numbers the model's figures behind each reason, one line each (the
 * reasons' tooltip). */
const char *sd_recommendations_page_get_item_reasons (SdRecommendationsPage  *self,
                                                      guint                   column,
                                                      guint                   index,
                                                      const char            **numbers);
/* Items in both columns' lists (0 unless comparing). */
guint       sd_recommendations_page_get_overlap      (SdRecommendationsPage *self);
guint       sd_recommendations_page_get_n_offers     (SdRecommendationsPage *self);
/* Opens "similar items" for item @index of @column; the list arrives in a job. */
void        sd_recommendations_page_show_similar     (SdRecommendationsPage *self,
                                                      guint                  column,
                                                      guint                  index);
/* Items in the "similar items" popover once computed (0 while loading). */
guint       sd_recommendations_page_get_n_similar    (SdRecommendationsPage *self);
/* The lists on show as CSV (customer, model, rank, product_id, title, score, explanation). */
gboolean    sd_recommendations_page_export_csv       (SdRecommendationsPage *self,
                                                      const char            *path,
                                                      GError               **error);

G_END_DECLS
