/* sd-coupons-page-private.h — what the files of the Coupons page share
 *
 * SdCouponsPage is split across files by job (sd-coupons-page.c holds the type, the rule
 * list, loading and the actions); this header is theirs alone.
 */
#pragma once

#include <adwaita.h>

#include "sd-coupon-engine.h"
#include "sd-coupons-page.h"
#include "sd-customer-facts.h"
#include "sd-job.h"

G_BEGIN_DECLS

#define PREVIEW_DELAY_MS 120

/* The facts, shared read-only between the page and preview threads. */
typedef struct {
  SdCustomerFacts *facts;
  SdInterest      *interest;   /* predicted interest from the shop's models, for the facts */
} FactsBox;

struct _SdCouponsPage
{
  GtkWidget        parent_instance;

  GtkStack        *stack;
  GtkSpinner      *spinner;
  AdwStatusPage   *error_page;
  GtkListBox      *rules_list;
  AdwEntryRow     *name_row;
  GtkSwitch       *enabled_switch;
  GtkSpinButton   *priority_spin;
  GtkSwitch       *stop_switch;
  AdwEntryRow     *starts_row;
  AdwEntryRow     *ends_row;
  GtkDropDown     *match_drop;
  GtkListBox      *conditions_list;
  AdwComboRow     *action_row;
  AdwEntryRow     *percent_row;
  AdwEntryRow     *cap_row;
  AdwEntryRow     *amount_row;
  AdwEntryRow     *buy_row;
  AdwEntryRow     *get_row;
  AdwEntryRow     *target_row;
  AdwEntryRow     *tiers_row;
  AdwEntryRow     *per_customer_row;
  AdwEntryRow     *total_uses_row;
  AdwEntryRow     *budget_row;
  GtkLabel        *problem_label;
  GtkButton       *delete_button;
  GtkLabel        *off_label;
  GtkLabel        *reach_heading;
  GtkLabel        *cost_heading;
  GtkLabel        *reach_label;
  GtkLabel        *reach_delta_label;
  GtkLabel        *cost_label;
  GtkWidget       *customers_button;
  GtkLabel        *cost_delta_label;
  GtkLabel        *budget_label;
  GtkLabel        *actual_label;
  GPtrArray       *usage;         /* SdCouponUsage: how the shop's codes were really used */
  GtkListBox      *overlap_list;
  GtkDropDown     *split_dropdown;
  GtkGrid         *split_grid;
  GArray          *split[2];        /* SdRuleSplitRow by country, by segment: the edited rule's */
  GtkListBox      *history_list;

  SdStore         *store;
  SdJob           *load_job;     /* the rules */
  SdJob           *values_job;   /* the shop's values, for the conditions */
  SdJob           *facts_job;    /* every customer's facts and the rules' reach */
  gboolean         stale;        /* the shop changed while the page was hidden */
  GtkSpinner      *facts_spinner;
  FactsBox        *facts;
  SdCouponPreview *all;          /* saved rules over all customers */
  GPtrArray       *rules;        /* SdCouponRule *, saved versions, by id */
  SdCouponRule    *saved;        /* the editor's rule as saved; NULL for a new one */
  gboolean         filling;      /* the editor is being filled: not an edit */
  gboolean         valid;        /* the editor holds a rule that can be saved */

  GCancellable    *preview_cancellable;
  guint            preview_source;
  SdRulePreview   *edit_preview;
  int              reach;

  SdShopValues    *values;       /* the shop's countries, segments, …: suggestions and checks */
  GtkWidget       *money_labels[3];   /* the currency beside cap, amount and budget */
  char            *currency;          /* the open shop's, for its money figures */
  char            *baseline;     /* the editor as filled: unlike it means unsaved changes */
  gboolean         dirty;
  gint64           pending_id;   /* the rule chosen while edits were not saved (0: a new one) */
};

/* sd-coupons-page-editor.c */
void sd_coupons_page_add_condition_row (SdCouponsPage *self, const SdCondition *cond);
SdCouponRule *sd_coupons_page_build_rule (SdCouponsPage *self, GError **error);
void sd_coupons_page_editor_changed_cb (SdCouponsPage *self);
const char *sd_coupons_page_entry_text (AdwEntryRow *row);
void sd_coupons_page_fill_editor (SdCouponsPage *self, const SdCouponRule *rule);
void sd_coupons_page_fill_history (SdCouponsPage *self);
char *sd_coupons_page_money_text (SdCouponsPage *self, gint64 cents);
GtkListBoxRow *sd_coupons_page_row_of_rule (SdCouponsPage *self, gint64 id);
void sd_coupons_page_set_baseline (SdCouponsPage *self);
void sd_coupons_page_toast (SdCouponsPage *self, const char *message);
void sd_coupons_page_update_dirty (SdCouponsPage *self);

/* sd-coupons-page-preview.c */
void sd_coupons_page_schedule_preview (SdCouponsPage *self);
void sd_coupons_page_split_selected_cb (SdCouponsPage *self);
void sd_coupons_page_update_show_customers (SdCouponsPage *self);

/* sd-coupons-page-reach.c */
void sd_coupons_page_show_customers_action (GtkWidget *widget, const char *action_name, GVariant *parameter);

/* sd-coupons-page.c */
FactsBox *sd_coupons_page_facts_box_ref (FactsBox *box);
void sd_coupons_page_facts_box_unref (FactsBox *box);
void sd_coupons_page_reload (SdCouponsPage *self);

G_END_DECLS
