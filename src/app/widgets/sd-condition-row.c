/* sd-condition-row.c — one condition of a coupon rule, edited with widgets */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "sd-condition-row.h"
#include "sd-format.h"
#include "sd-error.h"

typedef enum {
  VALUE_NONE,
  VALUE_TEXT,
  VALUE_NUMBER,
  VALUE_MONEY,
  VALUE_INTEREST,
} ValueKind;

typedef struct {
  SdCondKind       kind;
  const char      *label;
  ValueKind        value;
  const char      *placeholder;
  int              values;     /* SdShopValueKind the names are checked against, or -1 */
} KindInfo;

/* The kinds a row offers, in the order a merchandiser thinks of them. Groups (all, any,
 * not) are the editor's business, not a row's. */
static const KindInfo kinds[] = {
  { SD_COND_SEGMENT, N_("Segment is"), VALUE_TEXT, N_("vip, regular"), SD_SHOP_VALUE_SEGMENT },
  { SD_COND_COUNTRY, N_("Country is"), VALUE_TEXT, N_("United Kingdom, Germany"), SD_SHOP_VALUE_COUNTRY },
  { SD_COND_RECENCY_DAYS, N_("Days since last order"), VALUE_NUMBER, "30", -1 },
  { SD_COND_ORDER_COUNT, N_("Number of orders"), VALUE_NUMBER, "2", -1 },
  { SD_COND_LIFETIME_SPEND, N_("Lifetime spend"), VALUE_MONEY, "100.00", -1 },
  { SD_COND_AVERAGE_ORDER, N_("Average order value"), VALUE_MONEY, "40.00", -1 },
  { SD_COND_FIRST_ORDER, N_("First order only"), VALUE_NONE, NULL, -1 },
  { SD_COND_PREDICTED_INTEREST, N_("Predicted interest in"), VALUE_INTEREST, N_("category, e.g. garden"), SD_SHOP_VALUE_CATEGORY },
  { SD_COND_CART_SUBTOTAL, N_("Basket subtotal"), VALUE_MONEY, "50.00", -1 },
  { SD_COND_CART_ITEMS, N_("Items in basket"), VALUE_NUMBER, "3", -1 },
  { SD_COND_CART_PRODUCT, N_("Basket has product"), VALUE_TEXT, N_("product ids"), SD_SHOP_VALUE_PRODUCT },
  { SD_COND_CART_CATEGORY, N_("Basket has category"), VALUE_TEXT, N_("kitchen, toys"), SD_SHOP_VALUE_CATEGORY },
  { SD_COND_CART_TAG, N_("Basket has tag"), VALUE_TEXT, N_("vintage, heart"), SD_SHOP_VALUE_TAG },
  { SD_COND_BOUGHT_CATEGORY, N_("Has bought from"), VALUE_TEXT, N_("categories"), SD_SHOP_VALUE_CATEGORY },
  { SD_COND_REVIEWS_GIVEN, N_("Reviews written"), VALUE_NUMBER, "1", -1 },
  { SD_COND_IN_SEGMENT, N_("In audience"), VALUE_TEXT, N_("a saved audience's name"), -1 },
};

/* What the check says of a name the shop does not have, per kind of value. */
static const struct { const char *unknown; const char *none; } findings[SD_SHOP_N_VALUE_KINDS] = {
  /* TRANSLATORS: a coupon condition names a country no customer has */
  [SD_SHOP_VALUE_COUNTRY] = { N_("No customer has country “%s”"), N_("No customer of this shop has a country") },
  [SD_SHOP_VALUE_SEGMENT] = { N_("No customer is in segment “%s”"), N_("This shop's customers have no segments") },
  [SD_SHOP_VALUE_CATEGORY] = { N_("No product has category “%s”"), N_("This shop's products have no categories") },
  [SD_SHOP_VALUE_TAG] = { N_("No product has tag “%s”"), N_("This shop's products have no tags") },
  [SD_SHOP_VALUE_PRODUCT] = { N_("No product has id “%s”"), N_("This shop has no products") },
};

/* Comparisons in the op dropdown; the last is only for predicted interest. */
static const char *const op_labels[] = { "≥", ">", "≤", "<", "=", N_("in top") };
#define OP_TOP 5

static const char *const models[] = { "live", "hybrid", "als", "ease", "itemknn", "bpr", "content", NULL };

struct _SdConditionRow
{
  GtkListBoxRow  parent_instance;

  GtkDropDown   *kind;
  GtkDropDown   *op;
  GtkEntry      *value;
  GtkDropDown   *model;
  GtkDropDown   *negate;     /* “If” or “Unless” */
  GtkLabel      *currency;   /* beside money values */
  GtkLabel      *hint;       /* a name the shop does not have, and the closest one */
  GtkEntryCompletion *completion;

  SdShopValues  *values;
  char          *currency_code;
  char          *unknown;    /* the name the hint is about */
  char          *suggestion; /* what clicking the hint puts in its place */
  char         **audiences;  /* saved audiences, suggested for “In audience” */
};

G_DEFINE_FINAL_TYPE (SdConditionRow, sd_condition_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  SIGNAL_CHANGED,
  SIGNAL_REMOVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_visibility (SdConditionRow *self);

static const KindInfo *
current_kind (SdConditionRow *self)
{
  guint i = gtk_drop_down_get_selected (self->kind);
  return &kinds[MIN (i, G_N_ELEMENTS (kinds) - 1)];
}

/* The shop's values of the row's kind, or NULL. */
static GPtrArray *
shop_values (SdConditionRow *self)
{
  const KindInfo *info = current_kind (self);

  if (self->values == NULL || info->values < 0)
    return NULL;
  return sd_shop_values_get (self->values, info->values);
}

/* The value as far as the last comma: a completion replaces only what follows it. */
static const char *
last_item (const char *text)
{
  const char *comma = strrchr (text, ',');
  const char *item = comma ? comma + 1 : text;

  while (*item == ' ')
    item++;
  return item;
}

static gboolean
completion_match_cb (GtkEntryCompletion *completion,
                     const char         *key,
                     GtkTreeIter        *iter,
                     gpointer            user_data)
{
  SdConditionRow *self = user_data;
  GtkTreeModel *model = gtk_entry_completion_get_model (completion);
  g_autofree char *value = NULL;
  g_autofree char *folded = NULL;
  g_autofree char *item = g_utf8_casefold (last_item (gtk_editable_get_text (GTK_EDITABLE (self->value))), -1);

  if (*item == '\0')
    return FALSE;
  gtk_tree_model_get (model, iter, 0, &value, -1);
  folded = g_utf8_casefold (value, -1);
  return strstr (folded, item) != NULL;
}

static gboolean
completion_selected_cb (GtkEntryCompletion *completion,
                        GtkTreeModel       *model,
                        GtkTreeIter        *iter,
                        gpointer            user_data)
{
  SdConditionRow *self = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->value));
  g_autofree char *value = NULL;
  g_autofree char *head = g_strndup (text, last_item (text) - text);
  g_autofree char *joined = NULL;

  gtk_tree_model_get (model, iter, 0, &value, -1);
  joined = g_strconcat (head, value, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->value), joined);
  gtk_editable_set_position (GTK_EDITABLE (self->value), -1);
  return TRUE;
}

/* Completions and an example from the shop's own values ("e.g. United Kingdom, France"),
 * rather than names it may not have. */
static void
update_suggestions (SdConditionRow *self)
{
  const KindInfo *info = current_kind (self);
  GPtrArray *list = shop_values (self);
  GPtrArray *titles = self->values && info->values >= 0 ? sd_shop_values_titles (self->values, info->values) : NULL;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  g_autoptr(GtkListStore) store = gtk_list_store_new (2, G_TYPE_STRING, G_TYPE_STRING);

  for (guint i = 0; list && i < list->len; i++)
    gtk_list_store_insert_with_values (store, NULL, -1, 0, list->pdata[i],
                                       1, titles && titles->pdata[i] ? (char *) titles->pdata[i] : (char *) list->pdata[i], -1);
  gtk_entry_completion_set_model (self->completion, GTK_TREE_MODEL (store));
  G_GNUC_END_IGNORE_DEPRECATIONS
  if (list == NULL)
    return;
  if (list->len == 0)
    gtk_entry_set_placeholder_text (self->value, _(findings[info->values].none));
  else
    {
      g_autofree char *example = NULL;
      if (info->value == VALUE_INTEREST)
        /* TRANSLATORS: the example value of "Predicted interest in": a category and a score */
        example = g_strdup_printf (_("e.g. %s 0.5"), (char *) list->pdata[0]);
      else if (list->len > 1)
        /* TRANSLATORS: the example value of a condition, from the shop's own values */
        example = g_strdup_printf (_("e.g. %s, %s"), (char *) list->pdata[0], (char *) list->pdata[1]);
      else
        example = g_strdup_printf (_("e.g. %s"), (char *) list->pdata[0]);
      gtk_entry_set_placeholder_text (self->value, example);
    }
}

/* Names the shop does not have match nobody: say so under the value, with the closest
 * name to apply. */
static void
check_value (SdConditionRow *self)
{
  const KindInfo *info = current_kind (self);
  g_autofree char *text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->value)));
  const char *suggestion = NULL;
  g_autofree char *markup = NULL;

  g_clear_pointer (&self->unknown, g_free);
  g_clear_pointer (&self->suggestion, g_free);
  if (shop_values (self) && info->value == VALUE_INTEREST)
    {
      /* "garden 0.5": the category is all but the number at the end */
      char *space = strrchr (g_strstrip (text), ' ');
      if (space)
        *space = '\0';
      else
        *text = '\0';
    }
  if (shop_values (self) == NULL || *g_strstrip (text) == '\0' ||
      (info->value == VALUE_INTEREST && strchr (text, ',')) ||
      sd_shop_values_check_list (self->values, info->values, text, &self->unknown, &suggestion))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->hint), FALSE);
      return;
    }
  if (shop_values (self)->len == 0)
    markup = g_markup_escape_text (_(findings[info->values].none), -1);
  else
    {
      g_autofree char *finding = g_strdup_printf (_(findings[info->values].unknown), self->unknown);
      markup = g_markup_escape_text (finding, -1);
    }
  if (suggestion)
    {
      g_autofree char *escaped = g_markup_escape_text (suggestion, -1);
      g_autofree char *link = g_strdup_printf ("<a href=\"apply\">%s</a>", escaped);
      /* TRANSLATORS: after "No customer has country “Frnace”": the closest value, a link that applies it */
      g_autofree char *question = g_strdup_printf (_("— did you mean %s?"), link);
      char *both = g_strconcat (markup, " ", question, NULL);
      g_free (markup);
      markup = both;
      self->suggestion = g_strdup (suggestion);
    }
  gtk_label_set_markup (self->hint, markup);
  gtk_widget_set_visible (GTK_WIDGET (self->hint), TRUE);
}

gboolean
sd_condition_row_apply_suggestion (SdConditionRow *self)
{
  const char *text;
  g_auto(GStrv) items = NULL;
  g_autoptr(GString) fixed = g_string_new (NULL);

  g_return_val_if_fail (SD_IS_CONDITION_ROW (self), FALSE);
  if (self->suggestion == NULL || self->unknown == NULL)
    return FALSE;
  /* Only the unknown name is replaced; a category's score after it stays. */
  text = gtk_editable_get_text (GTK_EDITABLE (self->value));
  items = g_strsplit (text, ",", -1);
  for (guint i = 0; items[i]; i++)
    {
      g_autofree char *trimmed = g_strstrip (g_strdup (items[i]));
      if (i)
        g_string_append (fixed, ", ");
      if (current_kind (self)->value == VALUE_INTEREST && g_str_has_prefix (trimmed, self->unknown))
        g_string_append_printf (fixed, "%s%s", self->suggestion, trimmed + strlen (self->unknown));
      else
        g_string_append (fixed, g_strcmp0 (trimmed, self->unknown) == 0 ? self->suggestion : trimmed);
    }
  gtk_editable_set_text (GTK_EDITABLE (self->value), fixed->str);
  return TRUE;
}

static gboolean
hint_link_cb (SdConditionRow *self,
              const char     *uri)
{
  sd_condition_row_apply_suggestion (self);
  return TRUE;
}

const char *
sd_condition_row_get_hint (SdConditionRow *self)
{
  g_return_val_if_fail (SD_IS_CONDITION_ROW (self), NULL);
  return gtk_widget_get_visible (GTK_WIDGET (self->hint)) ? gtk_label_get_text (self->hint) : NULL;
}

char *
sd_condition_row_snapshot (SdConditionRow *self)
{
  g_return_val_if_fail (SD_IS_CONDITION_ROW (self), NULL);
  return g_strdup_printf ("%u|%u|%u|%u|%s", gtk_drop_down_get_selected (self->negate),
                          gtk_drop_down_get_selected (self->kind), gtk_drop_down_get_selected (self->op),
                          gtk_drop_down_get_selected (self->model),
                          gtk_editable_get_text (GTK_EDITABLE (self->value)));
}

void
sd_condition_row_set_shop (SdConditionRow *self,
                           SdShopValues   *values,
                           const char     *currency)
{
  g_return_if_fail (SD_IS_CONDITION_ROW (self));

  if (values != self->values)
    {
      g_clear_pointer (&self->values, sd_shop_values_unref);
      self->values = values ? sd_shop_values_ref (values) : NULL;
    }
  g_free (self->currency_code);
  self->currency_code = g_strdup (currency);
  gtk_label_set_text (self->currency, currency ? currency : "");
  update_visibility (self);
  check_value (self);
}

static void
update_visibility (SdConditionRow *self)
{
  const KindInfo *info = current_kind (self);

  gtk_widget_set_visible (GTK_WIDGET (self->op),
                          info->value == VALUE_NUMBER || info->value == VALUE_MONEY ||
                          info->value == VALUE_INTEREST);
  gtk_widget_set_visible (GTK_WIDGET (self->value), info->value != VALUE_NONE);
  gtk_widget_set_visible (GTK_WIDGET (self->model), info->value == VALUE_INTEREST);
  if (g_object_get_data (G_OBJECT (self), "second-line"))
    gtk_widget_set_visible (g_object_get_data (G_OBJECT (self), "second-line"), info->value != VALUE_NONE);
  gtk_widget_set_visible (GTK_WIDGET (self->currency), info->value == VALUE_MONEY && self->currency_code != NULL);
  gtk_entry_set_placeholder_text (self->value, info->placeholder ? _(info->placeholder) : NULL);
  update_suggestions (self);
  if (info->kind == SD_COND_IN_SEGMENT && self->audiences && self->audiences[0])
    {
      /* The shop's own audiences as the example, and all of them as you type. */
      g_autofree char *some = g_strjoinv (", ", self->audiences);
      /* TRANSLATORS: placeholder of the value of an “In audience” condition; %s lists saved audiences */
      g_autofree char *hint = g_strdup_printf (_("one of: %s"), some);
      gtk_entry_set_placeholder_text (self->value, hint);
    }
  /* “In audience” completes the saved audiences; the other kinds the shop's values. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (info->kind == SD_COND_IN_SEGMENT && g_object_get_data (G_OBJECT (self), "audience-completion"))
    gtk_entry_set_completion (self->value, g_object_get_data (G_OBJECT (self), "audience-completion"));
  else
    gtk_entry_set_completion (self->value, self->completion);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
emit_changed (SdConditionRow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->value), "error");
  check_value (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
kind_changed_cb (SdConditionRow *self)
{
  update_visibility (self);
  emit_changed (self);
}

static void
remove_clicked_cb (SdConditionRow *self)
{
  g_signal_emit (self, signals[SIGNAL_REMOVE], 0);
}

static gboolean
parse_number (const char *text,
              gboolean    money,
              double     *out)
{
  double x;

  /* "1,234.50", "1.234,50" and "£50" as people type them, in their locale or in English. */
  if (!sd_format_parse_decimal (text, &x) || x < 0)
    return FALSE;
  *out = money ? round (x * 100.0) : x;
  return TRUE;
}

void
sd_condition_row_set_audiences (SdConditionRow     *self,
                                const char * const *names)
{
  GtkListStore *model;
  GtkEntryCompletion *completion;

  g_return_if_fail (SD_IS_CONDITION_ROW (self));
  g_strfreev (self->audiences);
  self->audiences = g_strdupv ((char **) names);
  model = gtk_list_store_new (1, G_TYPE_STRING);
  for (guint i = 0; names && names[i]; i++)
    gtk_list_store_insert_with_values (model, NULL, -1, 0, names[i], -1);
  completion = gtk_entry_completion_new ();
  gtk_entry_completion_set_model (completion, GTK_TREE_MODEL (model));
  gtk_entry_completion_set_text_column (completion, 0);
  gtk_entry_completion_set_inline_completion (completion, TRUE);
  g_object_set_data_full (G_OBJECT (self), "audience-completion", completion, g_object_unref);
  g_object_unref (model);
  update_visibility (self);
}

SdCondition *
sd_condition_row_build (SdConditionRow  *self,
                        GError         **error)
{
  const KindInfo *info = current_kind (self);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->value));
  g_autoptr(SdCondition) cond = sd_condition_new (info->kind);
  guint op = gtk_drop_down_get_selected (self->op);

  if (op < SD_N_OPS)
    cond->op = op;

  switch (info->value)
    {
    case VALUE_TEXT:
      cond->text = g_strstrip (g_strdup (text));
      if (*cond->text == '\0')
        goto bad;
      break;
    case VALUE_NUMBER:
    case VALUE_MONEY:
      if (!parse_number (text, info->value == VALUE_MONEY, &cond->number))
        goto bad;
      break;
    case VALUE_INTEREST:
      {
        /* "garden 0.5" → score ≥ 0.5; with "in top", "garden 3" → among the top 3. */
        g_autofree char *trimmed = g_strstrip (g_strdup (text));
        g_auto(GStrv) parts = g_strsplit (trimmed, " ", -1);
        guint n = g_strv_length (parts);
        double x = 0;
        if (n < 2 || !parse_number (parts[n - 1], FALSE, &x))
          goto bad;
        g_free (parts[n - 1]);
        parts[n - 1] = NULL;
        cond->text = g_strstrip (g_strjoinv (" ", parts));
        cond->model = g_strdup (models[MIN (gtk_drop_down_get_selected (self->model), g_strv_length ((char **) models) - 1)]);
        if (op == OP_TOP)
          {
            cond->rank = (int) x;
            cond->op = SD_OP_GE;
            if (cond->rank < 1 || cond->rank != x)
              goto bad;
          }
        else
          cond->number = x;
      }
      break;
    case VALUE_NONE:
      break;
    }

  if (info->value != VALUE_INTEREST && op == OP_TOP)
    cond->op = SD_OP_GE;

  if (gtk_drop_down_get_selected (self->negate) == 1)
    {
      SdCondition *not = sd_condition_new (SD_COND_NOT);
      sd_condition_add (not, g_steal_pointer (&cond));
      return not;
    }
  return g_steal_pointer (&cond);

bad:
  gtk_widget_add_css_class (GTK_WIDGET (self->value), "error");
  g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
               info->value == VALUE_MONEY ? _("“%s”: enter an amount such as 25.00")
               : info->value == VALUE_NUMBER ? _("“%s”: enter a number of zero or more")
               : info->value == VALUE_INTEREST ? _("“%s”: enter a category and a score (0.5) or, with “in top”, a rank (3)")
               : _("“%s”: enter at least one value"),
               _(info->label));
  return NULL;
}

static void
load_condition (SdConditionRow    *self,
                const SdCondition *cond)
{
  if (cond->kind == SD_COND_NOT && cond->children && cond->children->len == 1)
    {
      gtk_drop_down_set_selected (self->negate, 1);
      cond = g_ptr_array_index (cond->children, 0);
    }
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (kinds[i].kind == cond->kind)
      gtk_drop_down_set_selected (self->kind, i);
  gtk_drop_down_set_selected (self->op, cond->op);

  switch (current_kind (self)->value)
    {
    case VALUE_TEXT:
      gtk_editable_set_text (GTK_EDITABLE (self->value), cond->text ? cond->text : "");
      break;
    case VALUE_NUMBER:
      {
        g_autofree char *s = g_strdup_printf ("%g", cond->number);
        gtk_editable_set_text (GTK_EDITABLE (self->value), s);
      }
      break;
    case VALUE_MONEY:
      {
        g_autofree char *s = sd_format_decimal (cond->number / 100.0, 2);
        gtk_editable_set_text (GTK_EDITABLE (self->value), s);
      }
      break;
    case VALUE_INTEREST:
      {
        g_autofree char *s = cond->rank > 0 ? g_strdup_printf ("%s %d", cond->text, cond->rank)
                                            : g_strdup_printf ("%s %g", cond->text, cond->number);
        gtk_editable_set_text (GTK_EDITABLE (self->value), s);
        if (cond->rank > 0)
          gtk_drop_down_set_selected (self->op, OP_TOP);
        for (guint i = 0; models[i]; i++)
          if (g_strcmp0 (models[i], cond->model) == 0)
            gtk_drop_down_set_selected (self->model, i);
      }
      break;
    case VALUE_NONE:
      break;
    }
}

static void
sd_condition_row_dispose (GObject *object)
{
  SdConditionRow *self = SD_CONDITION_ROW (object);

  g_clear_pointer (&self->values, sd_shop_values_unref);
  g_clear_pointer (&self->currency_code, g_free);
  g_clear_pointer (&self->unknown, g_free);
  g_clear_pointer (&self->suggestion, g_free);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (self->completion)
    gtk_entry_set_completion (self->value, NULL);
  G_GNUC_END_IGNORE_DEPRECATIONS
  g_clear_object (&self->completion);
  G_OBJECT_CLASS (sd_condition_row_parent_class)->dispose (object);
}

static void
sd_condition_row_finalize (GObject *object)
{
  SdConditionRow *self = SD_CONDITION_ROW (object);

  g_strfreev (self->audiences);
  G_OBJECT_CLASS (sd_condition_row_parent_class)->finalize (object);
}

static void
sd_condition_row_class_init (SdConditionRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sd_condition_row_dispose;
  G_OBJECT_CLASS (klass)->finalize = sd_condition_row_finalize;
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_REMOVE] =
    g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sd_condition_row_init (SdConditionRow *self)
{
  g_autoptr(GtkStringList) kind_names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) op_names = gtk_string_list_new (NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *remove;

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    gtk_string_list_append (kind_names, _(kinds[i].label));
  for (guint i = 0; i < G_N_ELEMENTS (op_labels); i++)
    gtk_string_list_append (op_names, i == OP_TOP ? _(op_labels[i]) : op_labels[i]);


  /* Translators: the start of a coupon condition, "If Country is …" or "Unless Country is …". */
  self->negate = GTK_DROP_DOWN (gtk_drop_down_new_from_strings ((const char *[]) { _("If"), _("Unless"), NULL }));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->negate), _("“Unless” matches customers for whom this does not hold"));
  gtk_widget_set_valign (GTK_WIDGET (self->negate), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->negate), GTK_ACCESSIBLE_PROPERTY_LABEL, _("If or unless"), -1);

  self->kind = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&kind_names)), NULL));
  gtk_widget_set_valign (GTK_WIDGET (self->kind), GTK_ALIGN_CENTER);
  self->op = GTK_DROP_DOWN (gtk_drop_down_new (G_LIST_MODEL (g_steal_pointer (&op_names)), NULL));
  gtk_widget_set_valign (GTK_WIDGET (self->op), GTK_ALIGN_CENTER);
  self->value = GTK_ENTRY (gtk_entry_new ());
  gtk_widget_set_hexpand (GTK_WIDGET (self->value), TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->value), GTK_ALIGN_CENTER);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->value), 8);
  self->currency = GTK_LABEL (gtk_label_new (NULL));
  gtk_widget_add_css_class (GTK_WIDGET (self->currency), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (self->currency), FALSE);
  self->hint = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->hint, 0);
  gtk_label_set_wrap (self->hint, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->hint), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->hint), "warning");
  gtk_widget_set_visible (GTK_WIDGET (self->hint), FALSE);
  g_signal_connect_swapped (self->hint, "activate-link", G_CALLBACK (hint_link_cb), self);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  self->completion = g_object_ref_sink (gtk_entry_completion_new ());
  gtk_entry_completion_set_text_column (self->completion, 0);
  gtk_entry_completion_set_match_func (self->completion, completion_match_cb, self, NULL);
  gtk_entry_completion_set_minimum_key_length (self->completion, 1);
  gtk_entry_completion_set_inline_completion (self->completion, FALSE);
  g_signal_connect (self->completion, "match-selected", G_CALLBACK (completion_selected_cb), self);
  gtk_entry_set_completion (self->value, self->completion);
  G_GNUC_END_IGNORE_DEPRECATIONS
  self->model = GTK_DROP_DOWN (gtk_drop_down_new_from_strings (models));
  gtk_widget_set_valign (GTK_WIDGET (self->model), GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->model), _("The recommendation model that predicts interest"));

  remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove this condition"));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->kind), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Condition"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->op), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Comparison"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->value), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Value"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->model), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Model"), -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove this condition"), -1);

  /* Two lines, so the editor stays usable in a narrow window: what is tested, then how. */
  {
    GtkWidget *lines = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
    GtkWidget *second = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

    gtk_widget_set_hexpand (GTK_WIDGET (self->kind), TRUE);
    gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->negate));
    gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->kind));
    gtk_box_append (GTK_BOX (box), remove);
    gtk_box_append (GTK_BOX (second), GTK_WIDGET (self->op));
    gtk_box_append (GTK_BOX (second), GTK_WIDGET (self->value));
    gtk_box_append (GTK_BOX (second), GTK_WIDGET (self->currency));
    gtk_box_append (GTK_BOX (second), GTK_WIDGET (self->model));
    gtk_widget_set_margin_start (second, 12);
    gtk_widget_set_margin_start (GTK_WIDGET (self->hint), 12);
    gtk_box_append (GTK_BOX (lines), box);
    gtk_box_append (GTK_BOX (lines), second);
    gtk_box_append (GTK_BOX (lines), GTK_WIDGET (self->hint));
    g_object_set_data (G_OBJECT (self), "second-line", second);
    gtk_widget_set_margin_top (lines, 6);
    gtk_widget_set_margin_bottom (lines, 6);
    gtk_widget_set_margin_start (lines, 12);
    gtk_widget_set_margin_end (lines, 6);
    gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (self), lines);
  }
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), FALSE);

  g_signal_connect_swapped (self->kind, "notify::selected", G_CALLBACK (kind_changed_cb), self);
  g_signal_connect_swapped (self->op, "notify::selected", G_CALLBACK (emit_changed), self);
  g_signal_connect_swapped (self->model, "notify::selected", G_CALLBACK (emit_changed), self);
  g_signal_connect_swapped (self->value, "changed", G_CALLBACK (emit_changed), self);
  g_signal_connect_swapped (self->negate, "notify::selected", G_CALLBACK (emit_changed), self);
  g_signal_connect_swapped (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
  update_visibility (self);
}

GtkWidget *
sd_condition_row_new (const SdCondition *cond)
{
  SdConditionRow *self = g_object_new (SD_TYPE_CONDITION_ROW, NULL);

  if (cond)
    load_condition (self, cond);
  update_visibility (self);
  return GTK_WIDGET (self);
}
