/* sd-cli-coupons.c — `shopdesk-cli coupons list | add | preview | apply | history | undo` */
#include "config.h"

#include <glib/gi18n.h>

#include <inttypes.h>

#include <string.h>

#include "sd-cli.h"
#include "sd-coupon-engine.h"
#include "sd-coupon-interest.h"
#include "sd-coupon-store.h"
#include "sd-number-format.h"
#include "sd-shop-summary.h"

static void
write_rule_json (SdJsonWriter       *w,
                 const SdCouponRule *rule)
{
  g_autofree char *described = sd_coupon_rule_describe (rule);

  sd_json_writer_begin_object (w);
  sd_json_writer_member_int (w, "id", rule->id);
  sd_json_writer_member_string (w, "name", rule->name ? rule->name : "");
  sd_json_writer_member_bool (w, "enabled", rule->enabled);
  sd_json_writer_member_int (w, "priority", rule->priority);
  sd_json_writer_member_string (w, "summary", described);
  sd_json_writer_end_object (w);
}

static int
coupons_list (SdStore  *store,
              gboolean  json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rules = sd_coupon_rules_load (store, &error);
  g_autofree char *currency = json ? NULL : sd_shop_currency (store);

  if (rules == NULL)
    {
      sd_cli_print_error ("coupons list", error);
      return SD_EXIT_FAILED;
    }
  g_autoptr(SdJsonWriter) w = json ? sd_json_writer_new () : NULL;

  if (json)
    sd_json_writer_begin_array (w);
  for (guint i = 0; i < rules->len; i++)
    {
      const SdCouponRule *rule = g_ptr_array_index (rules, i);
      if (json)
        write_rule_json (w, rule);
      else
        {
          g_autofree char *described_raw = sd_coupon_rule_describe_for_people (rule, currency);
          g_autofree char *described = sd_cli_printable (described_raw);
          g_autofree char *name = sd_cli_printable (rule->name);
          /* TRANSLATORS: `coupons list`: whether a rule is switched on ("enabled") or not ("off") */
          g_autofree char *state = sd_cli_column (rule->enabled ? C_("coupon rule", "enabled") : C_("coupon rule", "off"), 8);
          printf ("%4" G_GINT64_FORMAT "  %s  %s\n      %s\n", rule->id, state, name, described);
        }
    }
  if (json)
    {
      sd_json_writer_end_array (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else if (rules->len == 0)
    printf (_("No coupon rules yet. Add one with “shopdesk-cli coupons add --file RULE.json”.\n"));
  return SD_EXIT_OK;
}

static int
coupons_add (SdStore    *store,
             const char *file,
             gint64      replace_id,
             gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(SdCouponRule) rule = NULL;

  if (file == NULL)
    {
      fprintf (stderr, _("shopdesk-cli coupons add: --file RULE.json is required\n"));
      return SD_EXIT_USAGE;
    }
  if (!g_file_get_contents (file, &text, NULL, &error) ||
      !(rule = sd_coupon_rule_from_json (text, file, &error)))
    {
      sd_cli_print_error ("coupons add", error);
      return SD_EXIT_FAILED;
    }
  rule->id = replace_id;
  if (!sd_coupon_rule_save (store, rule, &error))
    {
      g_autofree char *message = sd_cli_printable (error->message);
      g_autofree char *name = sd_cli_printable (file);
      fprintf (stderr, _("shopdesk-cli coupons add: %s: %s\n"), name, message);
      return SD_EXIT_FAILED;
    }
  if (json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();
      write_rule_json (w, rule);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else
    {
      g_autofree char *name = sd_cli_printable (rule->name);
      printf (_("Saved rule %" PRId64 ": %s\n"), rule->id, name);
      /* A rule without "enabled": true is saved off (a half-made rule never goes live):
       * say so, and how to switch it on. */
      if (!rule->enabled)
        printf (_("It is off: nobody gets it until it is saved with “\"enabled\": true” "
                  "(shopdesk-cli coupons add --rule %" PRId64 " --file RULE.json).\n"), rule->id);
    }
  return SD_EXIT_OK;
}

static SdCouponEngine *
load_engine (SdStore          *store,
             SdCustomerFacts **facts_out,
             const char       *command)
{
  g_autoptr(GError) error = NULL;
  SdCustomerFacts *facts = sd_customer_facts_load (store, NULL, &error);
  SdCouponEngine *engine;

  if (facts == NULL)
    {
      g_autofree char *what = g_strdup_printf ("coupons %s", command);
      sd_cli_print_error (what, error);
      return NULL;
    }
  engine = sd_coupon_engine_new (facts);
  sd_coupon_engine_set_interest (engine, sd_interest_lookup,
                                 sd_interest_new (sd_store_get_path (store), facts),
                                 (GDestroyNotify) sd_interest_free);
  {
    g_autofree char *currency = sd_shop_currency (store);
    sd_coupon_engine_set_currency (engine, currency);
  }
  if (!sd_coupon_engine_load_rules (engine, store, &error))
    {
      g_autofree char *what = g_strdup_printf ("coupons %s", command);
      sd_cli_print_error (what, error);
      sd_coupon_engine_free (engine);
      sd_customer_facts_free (facts);
      return NULL;
    }
  *facts_out = facts;
  return engine;
}

static int
coupons_preview (SdStore  *store,
                 gboolean  json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdCustomerFacts) facts = NULL;
  g_autoptr(SdCouponEngine) engine = NULL;
  g_autoptr(SdCouponPreview) preview = NULL;
  gint64 start = g_get_monotonic_time ();
  double elapsed_ms;

  /* The elapsed time covers loading the facts too: that is what a user waits for. */
  if (!(engine = load_engine (store, &facts, "preview")))
    return SD_EXIT_FAILED;
  if (!(preview = sd_coupon_engine_preview (engine, NULL, &error)))
    {
      sd_cli_print_error ("coupons preview", error);
      return SD_EXIT_FAILED;
    }
  elapsed_ms = (g_get_monotonic_time () - start) / 1000.0;

  if (json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();

      sd_json_writer_begin_object (w);
      sd_json_writer_member_int (w, "customers", preview->n_customers);
      sd_json_writer_key (w, "rules");
      sd_json_writer_begin_array (w);
      for (guint i = 0; i < preview->n_rules; i++)
        {
          const SdRulePreview *r = &preview->rules[i];
          const SdCouponRule *rule = sd_coupon_engine_get_rule (engine, i);

          sd_json_writer_begin_object (w);
          sd_json_writer_member_int (w, "id", r->rule_id);
          sd_json_writer_member_string (w, "name", r->name ? r->name : "");
          sd_json_writer_member_bool (w, "enabled", rule->enabled);
          sd_json_writer_member_int (w, "customers", r->customers);
          sd_json_writer_member_int (w, "estimated_cost_cents", r->estimated_cost_cents);
          if (r->budget_left_cents >= 0)
            sd_json_writer_member_int (w, "budget_left_cents", r->budget_left_cents);
          sd_json_writer_key (w, "overlap");
          sd_json_writer_begin_object (w);
          for (guint j = 0; j < preview->n_rules; j++)
            if (j != i)
              {
                g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, preview->rules[j].rule_id);
                sd_json_writer_member_int (w, key, preview->overlap[i * preview->n_rules + j]);
              }
          sd_json_writer_end_object (w);
          sd_json_writer_end_object (w);
        }
      sd_json_writer_end_array (w);
      sd_json_writer_member_fixed (w, "engine_ms", preview->elapsed_us / 1000.0, 3);
      sd_json_writer_member_fixed (w, "elapsed_ms", elapsed_ms, 3);
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else
    {
      /* Columns as wide as a terminal shows them: a Chinese name or heading takes two
       * columns a character. */
      g_autofree char *h_rule = sd_cli_column (_("Rule"), 40);
      g_autofree char *h_customers = sd_cli_column (_("Customers"), -10);
      g_autofree char *h_cost = sd_cli_column (_("Est. cost"), -14);
      g_autofree char *h_left = sd_cli_column (_("Budget left"), -14);
      g_autofree char *currency = sd_shop_currency (store);
      g_autofree char *total = sd_format_count (preview->n_customers);

      printf ("%s %s %s %s\n", h_rule, h_customers, h_cost, h_left);
      for (guint i = 0; i < preview->n_rules; i++)
        {
          const SdRulePreview *r = &preview->rules[i];
          g_autofree char *left = r->budget_left_cents >= 0
                                  ? sd_format_money (r->budget_left_cents, currency) : g_strdup ("—");
          g_autofree char *customers = sd_format_count (r->customers);
          g_autofree char *cost = sd_format_money (r->estimated_cost_cents, currency);
          g_autofree char *customers_col = sd_cli_column (customers, -10);
          g_autofree char *cost_col = sd_cli_column (cost, -14);
          const SdCouponRule *rule = sd_coupon_engine_get_rule (engine, i);
          g_autofree char *printable = sd_cli_printable (r->name ? r->name : "");
          /* An off rule's figures are what it would do once on: it gives nothing now. */
          g_autofree char *shown = rule->enabled ? g_strdup (printable)
                                   /* TRANSLATORS: `coupons preview`: a rule that is switched off */
                                   : g_strdup_printf (_("%s (off)"), printable);
          g_autofree char *name = sd_cli_column (shown, 40);
          g_autofree char *left_col = sd_cli_column (left, -14);

          printf ("%s %s %s %s\n", name, customers_col, cost_col, left_col);
        }
      /* TRANSLATORS: `coupons preview`: "4,372 customers; previewed in 12.5 ms" */
      printf (_("\n%s customers; previewed in %.1f ms\n"), total, elapsed_ms);
    }
  return SD_EXIT_OK;
}

/* The preview of an edit: @file's rule against the saved rule @rule_id (0: a new rule),
 * as the Coupons page shows it while a rule is edited. */
static int
coupons_preview_edit (SdStore    *store,
                      const char *file,
                      gint64      rule_id,
                      gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdCustomerFacts) facts = NULL;
  g_autoptr(SdCouponEngine) engine = NULL;
  g_autoptr(SdCouponRule) edited = NULL;
  g_autoptr(SdCouponRule) saved = NULL;
  g_autoptr(SdRulePreview) now = NULL;
  g_autoptr(SdRulePreview) before = NULL;
  g_autofree char *text = NULL;
  guint gained = 0, lost = 0;
  gint64 start;
  double load_ms, preview_ms;

  if (!g_file_get_contents (file, &text, NULL, &error) ||
      !(edited = sd_coupon_rule_from_json (text, file, &error)) ||
      !sd_coupon_rule_validate (edited, sd_coupon_store_model_exists, store, &error) ||
      (rule_id > 0 && !(saved = sd_coupon_rule_load (store, rule_id, &error))))
    {
      sd_cli_print_error ("coupons preview", error);
      return SD_EXIT_FAILED;
    }

  start = g_get_monotonic_time ();
  if (!(engine = load_engine (store, &facts, "preview")))
    return SD_EXIT_FAILED;
  load_ms = (g_get_monotonic_time () - start) / 1000.0;

  /* What the page does on each edit, once the facts are loaded: both previews and the diff. */
  start = g_get_monotonic_time ();
  now = sd_coupon_engine_preview_rule (engine, edited);
  if (saved)
    {
      before = sd_coupon_engine_preview_rule (engine, saved);
      sd_rule_preview_diff (before, now, facts->n_customers, &gained, &lost);
    }
  preview_ms = (g_get_monotonic_time () - start) / 1000.0;

  if (json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();

      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "name", edited->name ? edited->name : "");
      sd_json_writer_member_int (w, "customers", now->customers);
      sd_json_writer_member_int (w, "estimated_cost_cents", now->estimated_cost_cents);
      if (before)
        {
          sd_json_writer_member_int (w, "saved_customers", before->customers);
          sd_json_writer_member_int (w, "gained", gained);
          sd_json_writer_member_int (w, "lost", lost);
          sd_json_writer_member_int (w, "cost_change_cents", now->estimated_cost_cents - before->estimated_cost_cents);
        }
      sd_json_writer_member_fixed (w, "load_ms", load_ms, 3);
      sd_json_writer_member_fixed (w, "edit_preview_ms", preview_ms, 3);
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else
    {
      g_autofree char *currency = sd_shop_currency (store);
      g_autofree char *cost = sd_format_money (now->estimated_cost_cents, currency);
      g_autofree char *customers = sd_format_count (now->customers);
      g_autofree char *name = sd_cli_printable (edited->name);
      /* TRANSLATORS: `coupons preview --file`: "Spring: 1,234 customers, estimated cost £567.80" */
      printf (_("%s: %s customers, estimated cost %s\n"), name, customers, cost);
      if (before)
        {
          gint64 change = now->estimated_cost_cents - before->estimated_cost_cents;
          g_autofree char *change_text = sd_format_money (change, currency);
          g_autofree char *gained_text = sd_format_count (gained);
          g_autofree char *lost_text = sd_format_count (lost);
          /* TRANSLATORS: `coupons preview --file --rule ID`: "+12 gained, -3 lost, cost +£4.50" */
          printf (_("Against the saved rule: +%s gained, -%s lost, cost %s%s\n"), gained_text, lost_text,
                  change >= 0 ? "+" : "", change_text);
        }
      printf (_("Facts loaded in %.1f ms; edit previewed in %.1f ms\n"), load_ms, preview_ms);
    }
  return SD_EXIT_OK;
}

static int
coupons_apply (SdStore    *store,
               const char *customer_key,
               gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdCustomerFacts) facts = NULL;
  g_autoptr(SdCouponEngine) engine = NULL;
  g_autoptr(GPtrArray) applied = NULL;
  gint64 customer_id;
  int index;

  if (customer_key == NULL)
    {
      fprintf (stderr, _("shopdesk-cli coupons apply: --customer ID is required\n"));
      return SD_EXIT_USAGE;
    }
  if ((customer_id = sd_store_find_customer (store, customer_key, &error)) < 0)
    {
      sd_cli_print_error ("coupons apply", error);
      return SD_EXIT_FAILED;
    }
  if (!(engine = load_engine (store, &facts, "apply")))
    return SD_EXIT_FAILED;
  index = sd_customer_facts_find (facts, customer_id);
  applied = sd_coupon_engine_apply (engine, index, NULL);

  if (json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();

      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "customer", facts->customers[index].external_id);
      sd_json_writer_member_int (w, "basket_cents", facts->customers[index].basket_cents);
      sd_json_writer_key (w, "coupons");
      sd_json_writer_begin_array (w);
      for (guint i = 0; i < applied->len; i++)
        {
          SdCouponApplication *a = g_ptr_array_index (applied, i);

          sd_json_writer_begin_object (w);
          sd_json_writer_member_int (w, "rule_id", a->rule->id);
          sd_json_writer_member_string (w, "name", a->rule->name ? a->rule->name : "");
          sd_json_writer_member_int (w, "discount_cents", a->discount_cents);
          sd_json_writer_member_bool (w, "free_shipping", a->free_shipping);
          sd_json_writer_member_bool (w, "capped", a->capped);
          sd_json_writer_member_string (w, "reason", a->reason ? a->reason : "");
          sd_json_writer_end_object (w);
        }
      sd_json_writer_end_array (w);
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else if (applied->len == 0)
    {
      g_autofree char *who = sd_cli_printable (facts->customers[index].external_id);
      printf (_("No coupon applies to %s on their typical basket.\n"), who);
      /* Why each rule switched on leaves them out, as the Recommendations page says it. */
      for (guint i = 0; i < sd_coupon_engine_get_n_rules (engine); i++)
        {
          const SdCouponRule *rule = sd_coupon_engine_get_rule (engine, i);
          g_autofree char *why = NULL;
          g_autofree char *name = NULL;
          g_autofree char *printable = NULL;

          if (!rule->enabled || !(why = sd_coupon_engine_why_not (engine, rule, index, NULL)))
            continue;
          name = sd_cli_printable (rule->name);
          printable = sd_cli_printable (why);
          /* TRANSLATORS: `coupons apply`, a rule that gives a customer nothing: "  Spring — Needs: cart >= £50.00 (theirs: £43.99)" */
          printf (_("  %s — %s\n"), name, printable);
        }
    }
  else
    {
      g_autofree char *currency = sd_shop_currency (store);

      for (guint i = 0; i < applied->len; i++)
        {
          SdCouponApplication *a = g_ptr_array_index (applied, i);
          g_autofree char *name = sd_cli_printable (a->rule->name);
          g_autofree char *reason = sd_cli_printable (a->reason);
          g_autofree char *off = sd_format_money (a->discount_cents, currency);
          /* TRANSLATORS: `coupons apply`: "1. Spring: £4.50 off, free shipping\n   because …" */
          printf (_("%d. %s: %s off%s%s\n   because %s\n"), i + 1, name, off,
                  a->free_shipping ? _(", free shipping") : "", a->capped ? _(" (capped)") : "", reason);
        }
    }
  return SD_EXIT_OK;
}

static int
coupons_history (SdStore *store,
                 gint64   rule_id,
                 gboolean undo)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = NULL;

  if (rule_id <= 0)
    {
      fprintf (stderr, _("shopdesk-cli coupons: --rule ID is required\n"));
      return SD_EXIT_USAGE;
    }
  if (undo && !sd_coupon_rule_undo (store, rule_id, &error))
    {
      sd_cli_print_error ("coupons undo", error);
      return SD_EXIT_FAILED;
    }
  if (!(history = sd_coupon_rule_history (store, rule_id, &error)))
    {
      sd_cli_print_error ("coupons history", error);
      return SD_EXIT_FAILED;
    }
  for (guint i = 0; i < history->len; i++)
    {
      SdRuleVersion *v = g_ptr_array_index (history, i);
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (v->saved_at);
      g_autofree char *stamp = g_date_time_format (when, "%Y-%m-%d %H:%M");
      printf (_("version %d, saved %s\n"), v->version, stamp);
      if (i + 1 < history->len)
        {
          SdRuleVersion *older = g_ptr_array_index (history, i + 1);
          g_autoptr(SdCouponRule) a = sd_coupon_rule_from_json (older->json, NULL, NULL);
          g_autoptr(SdCouponRule) b = sd_coupon_rule_from_json (v->json, NULL, NULL);
          if (a && b)
            {
              g_autofree char *raw = sd_coupon_rule_diff (a, b);
              g_autofree char *diff = sd_cli_printable_lines (raw);
              printf ("%s", diff);
            }
        }
    }
  return SD_EXIT_OK;
}

int
sd_cli_coupons (SdCliGlobal  *global,
                int           argc,
                char        **argv)
{
  g_autofree char *file = NULL;
  g_autofree char *customer = NULL;
  gint64 rule_id = 0;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "file", 0, 0, G_OPTION_ARG_FILENAME, &file, N_("The rule as JSON (add; preview: an edit to preview)"), "RULE.json" },
    { "rule", 0, 0, G_OPTION_ARG_INT64, &rule_id, N_("The rule to replace (add), compare with (preview) or whose history to show"), "ID" },
    { "customer", 0, 0, G_OPTION_ARG_STRING, &customer, N_("The customer (apply): external id or number"), "ID" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print JSON"), NULL },
    { NULL }
  };
  g_autoptr(SdStore) store = NULL;
  const char *action;

  if (!sd_cli_parse ("coupons", _("list | add | preview | apply | history | undo: coupon rules"),
                     entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (argc != 2)
    {
      fprintf (stderr, _("shopdesk-cli coupons: say what to do: list, add, preview, apply, history or undo\n"
                       "Run “shopdesk-cli coupons --help” for its options.\n"));
      return SD_EXIT_USAGE;
    }
  action = argv[1];
  if (!g_strv_contains ((const char *[]) { "list", "add", "preview", "apply", "history", "undo", NULL }, action))
    {
      fprintf (stderr, _("shopdesk-cli coupons: unknown action “%s”\n"), action);
      return SD_EXIT_USAGE;
    }

  /* add and undo change the shop: a read-only one is refused before any work. */
  if (!(store = g_strv_contains ((const char *[]) { "add", "undo", NULL }, action)
                ? sd_cli_open_store_for_writing (global, SD_STORE_OPEN_EXISTING)
                : sd_cli_open_store (global)))
    return SD_EXIT_FAILED;

  if (strcmp (action, "list") == 0)
    return coupons_list (store, json);
  if (strcmp (action, "add") == 0)
    return coupons_add (store, file, rule_id, json);
  if (strcmp (action, "preview") == 0)
    return file ? coupons_preview_edit (store, file, rule_id, json) : coupons_preview (store, json);
  if (strcmp (action, "apply") == 0)
    return coupons_apply (store, customer, json);
  return coupons_history (store, rule_id, strcmp (action, "undo") == 0);
}
