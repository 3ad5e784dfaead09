/* sd-condition-row.c — one condition of a coupon rule, edited with widgets */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

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
  SdCondKind  kind;
  const char *label;
  ValueKind   value;
  const char *placeholder;
} KindInfo;

/* The kinds a row offers, in the order a merchandiser thinks of them. Groups (all, any,
 * not) are the editor's business, not a row's. */
static const KindInfo kinds[] = {
  { SD_COND_SEGMENT, N_("Segment is"), VALUE_TEXT, N_("vip, regular") },
  { SD_COND_COUNTRY, N_("Country is"), VALUE_TEXT, N_("United Kingdom, Germany") },
  { SD_COND_RECENCY_DAYS, N_("Days since last order"), VALUE_NUMBER, "30" },
  { SD_COND_ORDER_COUNT, N_("Number of orders"), VALUE_NUMBER, "2" },
  { SD_COND_LIFETIME_SPEND, N_("Lifetime spend"), VALUE_MONEY, "100.00" },
  { SD_COND_AVERAGE_ORDER, N_("Average order value"), VALUE_MONEY, "40.00" },
  { SD_COND_FIRST_ORDER, N_("First order only"), VALUE_NONE, NULL },
  { SD_COND_PREDICTED_INTEREST, N_("Predicted interest in"), VALUE_INTEREST, N_("category, e.g. garden") },
  { SD_COND_CART_SUBTOTAL, N_("Basket subtotal"), VALUE_MONEY, "50.00" },
  { SD_COND_CART_ITEMS, N_("Items in basket"), VALUE_NUMBER, "3" },
  { SD_COND_CART_PRODUCT, N_("Basket has product"), VALUE_TEXT, N_("product ids") },
  { SD_COND_CART_CATEGORY, N_("Basket has category"), VALUE_TEXT, N_("kitchen, toys") },
  { SD_COND_CART_TAG, N_("Basket has tag"), VALUE_TEXT, N_("vintage, heart") },
  { SD_COND_BOUGHT_CATEGORY, N_("Has bought from"), VALUE_TEXT, N_("categories") },
  { SD_COND_REVIEWS_GIVEN, N_("Reviews written"), VALUE_NUMBER, "1" },
  { SD_COND_IN_SEGMENT, N_("In audience"), VALUE_TEXT, N_("a saved audience's name") },
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
  char         **audiences;  /* saved audiences, suggested for “In audience” */
};

G_DEFINE_FINAL_TYPE (SdConditionRow, sd_condition_row, GTK_TYPE_LIST_BOX_ROW)

enum {
  SIGNAL_CHANGED,
  SIGNAL_REMOVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const KindInfo *
current_kind (SdConditionRow *self)
{
  guint i = gtk_drop_down_get_selected (self->kind);
  return &kinds[MIN (i, G_N_ELEMENTS (kinds) - 1)];
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
  gtk_entry_set_placeholder_text (self->value, info->placeholder ? _(info->placeholder) : NULL);
  if (info->kind == SD_COND_IN_SEGMENT && self->audiences && self->audiences[0])
    {
      /* The shop's own audiences as the example, and all of them as you type. */
      g_autofree char *some = g_strjoinv (", ", self->audiences);
      /* TRANSLATORS: placeholder of the value of an “In audience” condition; %s lists saved audiences */
      g_autofree char *hint = g_strdup_printf (_("one of: %s"), some);
      gtk_entry_set_placeholder_text (self->value, hint);
    }
  gtk_entry_set_completion (self->value, info->kind == SD_COND_IN_SEGMENT ? g_object_get_data (G_OBJECT (self), "audience-completion") : NULL);
}

static void
emit_changed (SdConditionRow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->value), "error");
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
sd_condition_row_finalize (GObject *object)
{
  SdConditionRow *self = SD_CONDITION_ROW (object);

  g_strfreev (self->audiences);
  G_OBJECT_CLASS (sd_condition_row_parent_class)->finalize (object);
}

static void
sd_condition_row_class_init (SdConditionRowClass *klass)
{
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
    gtk_box_append (GTK_BOX (second), GTK_WIDGET (self->model));
    gtk_widget_set_margin_start (second, 12);
    gtk_box_append (GTK_BOX (lines), box);
    gtk_box_append (GTK_BOX (lines), second);
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
