/* sd-recommendations-page-private.h — what the files of the Recommendations page share
 *
 * SdRecommendationsPage is split across files by job (sd-recommendations-page.c holds the
 * type, choosing a customer and the pickers); this header is theirs alone.
 */
#pragma once

#include <adwaita.h>

#include "sd-coupon-engine.h"
#include "sd-customer-facts.h"
#include "sd-customer-profile.h"
#include "sd-job.h"
#include "sd-recommendations-page.h"
#include "sd-recommender.h"

G_BEGIN_DECLS

#define N_HISTORY     12
#define N_SIMILAR     8
#define BOOST         0.5

/* The picker's name for the live model: "live:" and its algorithm. */
#define LIVE_PREFIX "live:"

typedef struct {
  gint             ref_count;
  GMutex           lock;          /* held by a job for as long as it reads or fills the cache */
  char            *db_path;
  SdInteractions  *train;
  SdCatalog       *catalog;
  GHashTable      *models;        /* name → SdRecommender *, or NULL when none usable is stored */
  GHashTable      *model_errors;  /* name → why the stored one cannot be used (not "none stored") */
  SdRecommender   *popularity;    /* the fallback, fitted on demand */
  SdRecommender   *similar;       /* stored item-kNN, else a content model fitted here */
  gboolean         has_stock;     /* some product has stock: else the shop does not track it */
  gboolean         has_prices;
  gboolean         has_categories; /* some product has one: else "No category" says nothing */
  SdCustomerFacts *facts;
  SdCouponEngine  *engine;
  char            *coupon_error;
  /* Main thread only: what finished jobs loaded, to tell a quick view from a slow one. */
  gboolean         warm_base;
  gboolean         warm_coupons;
  GHashTable      *warm_models;
} ShopCache;

typedef struct {
  gint64  product_id;
  char   *external_id;
  char   *title;
  char   *category;
  gint64  price_cents;
  int     stock;
  float   score;
  char   *explanation;   /* one reason a line */
  char   *explanation_numbers;   /* the model's figures behind each line, for a tooltip */
  guint   item;          /* dense index */
  gboolean common;       /* also in the other column's list */
  guint   other_rank;    /* its rank there (from 1) */
} RecRow;

typedef struct {
  char      *model;      /* asked for */
  char      *label;      /* "ALS (implicit)" */
  char      *note;       /* why another model answers, or NULL */
  gboolean   can_train;  /* the model is missing or stale: offer to train it */
  GPtrArray *rows;       /* RecRow */
} RecList;

typedef struct {
  char     *name;
  char     *reason;
  gint64    discount_cents;
  gboolean  free_shipping;
  gboolean  capped;
} Offer;

typedef struct {
  /* Asked for */
  ShopCache  *cache;
  gint64      customer_id;
  char       *models[2];
  guint       n_models;
  guint       n;
  gboolean    exclude_bought;
  gboolean    exclude_out_of_stock;
  char       *boost;
  char       *bury;

  /* Found */
  SdCustomerProfile *profile;
  GPtrArray  *offers;        /* Offer */
  /* When none applies: each switched-on rule with why it leaves the customer out (Offer:
   * name and reason), and how many rules are switched on at all. */
  GPtrArray  *misses;
  guint       enabled_rules;
  char       *offers_error;
  gint64      basket_cents;
  gint64      basket_items;
  gboolean    basket_is_last_order;
  gboolean    has_stock;
  gboolean    has_prices;
  gboolean    has_categories;
  RecList     lists[2];
  guint       overlap;
} ViewWork;

typedef struct {
  ShopCache *cache;
  guint      item;
  char      *title;      /* of the item asked about */
  gboolean   by_knn;     /* item-kNN (bought by the same customers), else content */
  gboolean   has_prices;
  gboolean   has_categories;
  GPtrArray *rows;       /* RecRow (score = similarity) */
} SimilarWork;

typedef struct {
  char      *db_path;
  GPtrArray *rows;             /* SdCustomerMatch */
  gboolean   purchases_only;   /* the shop's events are all purchases (an order export) */
} QuickWork;

typedef struct {
  GtkWidget  *box;
  GtkWidget  *header;
  GtkLabel   *title;
  GtkWidget  *note_box;
  GtkLabel   *note;
  GtkButton  *train_button;
  GtkListBox *list;
} Column;

struct _SdRecommendationsPage
{
  GtkWidget          parent_instance;

  GtkSearchEntry    *search_entry;
  GtkWidget         *back_button;
  GtkStack          *stack;
  AdwStatusPage     *error_page;
  GtkWidget         *quick_box;
  GtkListBox        *quick_list;
  AdwAvatar         *avatar;
  GtkLabel          *name_label;
  GtkLabel          *detail_label;
  GtkBox            *figures_box;
  GtkToggleButton   *compare_button;
  GtkWidget         *model2_box;
  GtkDropDown       *model_dropdown;
  gint64             live_model_id;   /* the live recommender when the picker was filled */
  GtkDropDown       *model2_dropdown;
  GtkSpinButton     *count_spin;
  GtkCheckButton    *bought_check;
  GtkCheckButton    *stock_check;
  GtkDropDown       *boost_dropdown;
  GtkDropDown       *bury_dropdown;
  GtkFlowBox        *controls_box;
  GtkLabel          *overlap_label;
  GtkBox            *columns_box;
  GtkLabel          *offers_caption;
  GtkListBox        *offers_list;
  GtkLabel          *history_caption;
  GtkListBox        *history_list;

  Column             columns[2];
  GtkWidget         *suggest_popover;
  GtkListBox        *suggest_list;
  GCancellable      *search_cancellable;   /* the suggestions being looked up */
  GtkWidget         *similar_popover;
  GtkLabel          *similar_title;
  GtkLabel          *similar_caption;
  GtkListBox        *similar_list;

  SdStore           *store;
  ShopCache         *cache;
  char              *currency;
  GPtrArray         *model_names;   /* dropdown position → model name */
  GPtrArray         *categories;    /* dropdown position - 1 → category */
  gint64             customer_id;
  SdJob             *job;           /* the view being computed */
  SdJob             *shown;         /* the finished job whose ViewWork is on show */
  SdJob             *similar_job;
  SdJob             *quick_job;
  gboolean           quick_loaded;   /* the most active customers listed are the shop's now */
  guint              n_similar;
  GHashTable        *training;      /* model names being trained from here */
  guint              n_stored;      /* models stored for the shop */
  gboolean           updating;
  gboolean           stale;
};

/* sd-recommendations-page-jobs.c */
char *sd_recommendations_page_model_label (const char *name);
gboolean sd_recommendations_page_quick_job_func (SdJob *job, gpointer data, GCancellable *cancellable, GError **error);
void sd_recommendations_page_quick_work_free (QuickWork *w);
ShopCache *sd_recommendations_page_shop_cache_new (const char *db_path);
ShopCache *sd_recommendations_page_shop_cache_ref (ShopCache *cache);
void sd_recommendations_page_shop_cache_unref (ShopCache *cache);
gboolean sd_recommendations_page_similar_job_func (SdJob *job, gpointer data, GCancellable *cancellable, GError **error);
void sd_recommendations_page_similar_work_free (SimilarWork *w);
gboolean sd_recommendations_page_view_job_func (SdJob *job, gpointer data, GCancellable *cancellable, GError **error);
void sd_recommendations_page_view_work_free (ViewWork *w);

/* sd-recommendations-page-rights.c */
void sd_recommendations_page_customer_actions_set_enabled (SdRecommendationsPage *self, gboolean enabled);
void sd_recommendations_page_export_customer_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
void sd_recommendations_page_forget_customer_action (GtkWidget *widget, const char *action_name, GVariant *parameter);

/* sd-recommendations-page-view.c */
void sd_recommendations_page_append_detail (GString *detail, const char *part);
void sd_recommendations_page_export_action (GtkWidget *widget, const char *action_name, GVariant *parameter);
void sd_recommendations_page_rec_row_activated_cb (GtkListBox *list, GtkListBoxRow *row, SdRecommendationsPage *self);
GtkLabel *sd_recommendations_page_row_subtitle_label (GtkWidget *widget);
GtkFileChooserNative *sd_recommendations_page_save_chooser_new (GtkWidget *widget, const char *title, const char *filter_name, const char *pattern, const char *mime_type, char *name);
void sd_recommendations_page_show_view (SdRecommendationsPage *self);

/* sd-recommendations-page.c */
void sd_recommendations_page_cancel_job (SdRecommendationsPage *self, SdJob **job);
void sd_recommendations_page_clear_list (GtkListBox *list);
GtkWidget *sd_recommendations_page_dim_label (const char *text, gboolean caption);
GtkWidget *sd_recommendations_page_loading_row (const char *text);
GtkWidget *sd_recommendations_page_placeholder_row (const char *text);
void sd_recommendations_page_show_start (SdRecommendationsPage *self);
ViewWork *sd_recommendations_page_shown_view (SdRecommendationsPage *self);
void sd_recommendations_page_toast (SdRecommendationsPage *self, const char *message);

G_END_DECLS
