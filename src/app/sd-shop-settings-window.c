/* sd-shop-settings-window.c — the shop's own settings, kept in the shop file */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-error.h"
#include "sd-format.h"
#include "sd-job.h"
#include "sd-shop-settings.h"
#include "sd-shop-settings-window.h"
#include "sd-list-rows.h"
#include "sd-toasts.h"

struct _SdShopSettingsWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwEntryRow          *name_en_row;
  AdwEntryRow          *name_zh_row;
  AdwComboRow          *currency_row;
  AdwEntryRow          *timezone_row;
  AdwPreferencesGroup  *formats_group;
  AdwEntryRow          *formats_row;
  GtkListBox           *formats_list;
  GtkButton            *learn_button;
  AdwPreferencesPage   *policies_page;
  GtkSpinButton        *returns_days_spin;
  AdwPreferencesGroup  *regions_group;

  SdStore              *store;
  SdShopSettings       *settings;       /* as saved; NULL while loading */
  GStrv                 learned;        /* the shapes of the orders, for "Learn From Orders" */
  GHashTable           *examples;       /* format → the newest order number of it */
  GtkWidget            *policy_rows[SD_SHOP_N_POLICIES][SD_SHOP_N_LANGS];
  GPtrArray            *region_rows;    /* of AdwExpanderRow, one per region */
  GCancellable         *cancellable;
  gboolean              filling;        /* rows being set from the settings: no saving */
};

G_DEFINE_FINAL_TYPE (SdShopSettingsWindow, sd_shop_settings_window, ADW_TYPE_PREFERENCES_WINDOW)

static const struct { const char *title; const char *hint; } policy_titles[SD_SHOP_N_POLICIES] = {
  [SD_SHOP_POLICY_RETURNS] = { N_("Returns"), N_("e.g. Unused items can be returned within 30 days of delivery.") },
  [SD_SHOP_POLICY_SHIPPING] = { N_("Shipping"), N_("e.g. UK delivery takes 2–3 working days.") },
  [SD_SHOP_POLICY_HOURS] = { N_("Opening Hours"), N_("e.g. Monday to Friday, 9:00–17:30.") },
  [SD_SHOP_POLICY_WARRANTY] = { N_("Warranty"), N_("e.g. Two years against faults.") },
  [SD_SHOP_POLICY_PAYMENT] = { N_("Payment Methods"), N_("e.g. Cards, PayPal and bank transfer.") },
  [SD_SHOP_POLICY_CANCELLATION] = { N_("Cancellation"), N_("e.g. Orders can be cancelled until they ship.") },
  [SD_SHOP_POLICY_INVOICES] = { N_("Invoices"), N_("e.g. Write to us with your order number and we e-mail the invoice.") },
  [SD_SHOP_POLICY_ACCOUNT] = { N_("Customer Accounts"), N_("e.g. Reset your password from the sign-in page.") },
};

static const char *const lang_titles[SD_SHOP_N_LANGS] = { N_("English"), N_("Chinese") };

/* ---- Loading in a worker --------------------------------------------------------- */

typedef struct {
  char           *db_path;
  SdShopSettings *settings;
  GStrv           learned;
  GHashTable     *examples;
} Load;

static void
load_free (Load *load)
{
  g_free (load->db_path);
  g_clear_pointer (&load->examples, g_hash_table_unref);
  g_clear_pointer (&load->settings, sd_shop_settings_free);
  g_strfreev (load->learned);
  g_free (load);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  Load *load = data;
  GError *error = NULL;
  g_autoptr(SdStore) store = sd_store_open (load->db_path, &error);

  if (store == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  load->settings = sd_shop_settings_load (store);
  load->learned = sd_order_formats_learn (store, &error);
  load->examples = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint pass = 0; pass < 2 && load->learned; pass++)
    {
      GStrv formats = pass == 0 ? load->settings->order_formats : load->learned;
      for (guint i = 0; formats[i]; i++)
        {
          char *newest = sd_order_format_newest (store, formats[i]);
          if (newest)
            g_hash_table_replace (load->examples, g_strdup (formats[i]), newest);
        }
    }
  if (load->learned == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* ---- Rows <-> settings ----------------------------------------------------------- */

static void
set_text (AdwEntryRow *row,
          const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

static char *
row_text (GtkWidget *row)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  return *text ? g_steal_pointer (&text) : NULL;
}

static void
show_formats (SdShopSettingsWindow *self,
              const char *const    *formats,
              gboolean              learned)
{
  sd_list_box_remove_all (self->formats_list);
  for (guint i = 0; formats && formats[i]; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      const char *example = self->examples ? g_hash_table_lookup (self->examples, formats[i]) : NULL;
      g_autofree char *described = sd_order_format_describe (formats[i], example);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), described);
      gtk_list_box_append (self->formats_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->formats_list), formats && formats[0]);
  if (formats == NULL || formats[0] == NULL)
    adw_preferences_group_set_description (self->formats_group,
        _("The shop has no orders to learn from yet. Give the formats of its order numbers, # for each digit."));
  else if (learned)
    adw_preferences_group_set_description (self->formats_group,
        _("Learned from the shop's orders. The chatbot takes a number of these shapes as an order number."));
  else
    adw_preferences_group_set_description (self->formats_group,
        _("Set for this shop. The chatbot takes a number of these shapes as an order number."));
  gtk_widget_set_sensitive (GTK_WIDGET (self->learn_button), !learned && self->learned && self->learned[0]);
}

static char *
money_text (gint64 cents)
{
  return cents >= 0 ? sd_format_decimal (cents / 100.0, 2) : g_strdup ("");
}

static char *
region_title (const SdShippingRegion *region)
{
  const char *name = region->name[SD_SHOP_LANG_EN] ? region->name[SD_SHOP_LANG_EN] : region->id;
  return g_strdup (name ? name : "");
}

static void remove_region_clicked_cb (SdShopSettingsWindow *self, GtkButton *button);
static void field_applied_cb (SdShopSettingsWindow *self, GtkWidget *row);

static GtkWidget *
add_entry (GtkWidget            *expander,
           SdShopSettingsWindow *self,
           const char           *key,
           const char           *title,
           const char           *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
  g_object_set_data (G_OBJECT (expander), key, row);
  g_signal_connect_object (row, "apply", G_CALLBACK (field_applied_cb), self, G_CONNECT_SWAPPED);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
  return row;
}

static void
add_region_row (SdShopSettingsWindow   *self,
                const SdShippingRegion *region)
{
  const char *currency = self->settings && self->settings->currency ? self->settings->currency : NULL;
  GtkWidget *expander = adw_expander_row_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *title = region_title (region);
  g_autofree char *cost = money_text (region->cost_cents);
  g_autofree char *free_over = money_text (region->free_over_cents);
  g_autofree char *cost_title = NULL;
  g_autofree char *free_title = NULL;

  if (currency)
    {
      /* TRANSLATORS: a money field with the shop's currency code: "Cost (GBP)" */
      cost_title = g_strdup_printf (_("Cost (%s)"), currency);
      /* TRANSLATORS: a money field with the shop's currency code */
      free_title = g_strdup_printf (_("Free Over (%s; empty: never)"), currency);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), region->id);
  g_object_set_data_full (G_OBJECT (expander), "region-id", g_strdup (region->id), g_free);

  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove This Region"));
  g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_region_clicked_cb), self, G_CONNECT_SWAPPED);
  g_object_set_data (G_OBJECT (remove), "expander", expander);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (expander), remove);

  add_entry (expander, self, "id", _("Id (e.g. uk, eu)"), region->id);
  add_entry (expander, self, "name-en", _("Name (English)"), region->name[SD_SHOP_LANG_EN]);
  add_entry (expander, self, "name-zh", _("Name (Chinese)"), region->name[SD_SHOP_LANG_ZH_CN]);
  add_entry (expander, self, "days", _("Delivery Days (e.g. 2-3)"), region->days);
  add_entry (expander, self, "cost", cost_title ? cost_title : _("Cost"), cost);
  add_entry (expander, self, "free-over", free_title ? free_title : _("Free Over (empty: never)"), free_over);

  adw_preferences_group_add (self->regions_group, expander);
  g_ptr_array_add (self->region_rows, expander);
}

static void
fill (SdShopSettingsWindow *self)
{
  const SdShopSettings *s = self->settings;
  GListModel *codes = adw_combo_row_get_model (self->currency_row);
  guint currency = 0;

  self->filling = TRUE;
  set_text (self->name_en_row, s->name[SD_SHOP_LANG_EN]);
  set_text (self->name_zh_row, s->name[SD_SHOP_LANG_ZH_CN]);
  set_text (self->timezone_row, s->timezone);
  for (guint i = 1; s->currency && i < g_list_model_get_n_items (codes); i++)
    if (g_str_has_prefix (gtk_string_list_get_string (GTK_STRING_LIST (codes), i), s->currency))
      currency = i;
  adw_combo_row_set_selected (self->currency_row, currency);
  {
    g_autofree char *formats = g_strjoinv (", ", s->order_formats);
    set_text (self->formats_row, formats);
  }
  show_formats (self, (const char *const *) s->order_formats, s->order_formats_learned);

  for (guint p = 0; p < SD_SHOP_N_POLICIES; p++)
    for (guint l = 0; l < SD_SHOP_N_LANGS; l++)
      set_text (ADW_ENTRY_ROW (self->policy_rows[p][l]), s->policy[p][l]);
  gtk_spin_button_set_value (self->returns_days_spin, MAX (s->returns_days, 0));

  for (guint i = 0; i < self->region_rows->len; i++)
    adw_preferences_group_remove (self->regions_group, self->region_rows->pdata[i]);
  g_ptr_array_set_size (self->region_rows, 0);
  for (guint i = 0; i < s->regions->len; i++)
    add_region_row (self, s->regions->pdata[i]);
  self->filling = FALSE;
}

static gboolean
read_money (GtkWidget  *row,
            gint64     *cents,
            GError    **error)
{
  g_autofree char *text = row_text (row);
  double value;

  *cents = -1;
  if (text == NULL)
    return TRUE;
  if (!sd_format_parse_decimal (text, &value) || value < 0 || value > 1e9)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   /* TRANSLATORS: a money field of the shipping settings that is no amount */
                   _("“%s” is not an amount of money (e.g. 3.95)"), text);
      return FALSE;
    }
  *cents = (gint64) (value * 100 + 0.5);
  return TRUE;
}

/* The settings as the rows say, or NULL with the reason (and the row to mark). */
static SdShopSettings *
read_rows (SdShopSettingsWindow  *self,
           GtkWidget            **bad_row,
           GError               **error)
{
  g_autoptr(SdShopSettings) s = sd_shop_settings_new ();
  GListModel *codes = adw_combo_row_get_model (self->currency_row);
  guint currency = adw_combo_row_get_selected (self->currency_row);
  g_autofree char *formats = row_text (GTK_WIDGET (self->formats_row));
  g_autofree char *saved_formats = g_strjoinv (",", self->settings->order_formats);
  g_autofree char *typed_formats = NULL;
  int days;

  s->name[SD_SHOP_LANG_EN] = row_text (GTK_WIDGET (self->name_en_row));
  s->name[SD_SHOP_LANG_ZH_CN] = row_text (GTK_WIDGET (self->name_zh_row));
  s->timezone = row_text (GTK_WIDGET (self->timezone_row));
  if (currency > 0 && currency != GTK_INVALID_LIST_POSITION)
    s->currency = g_strndup (gtk_string_list_get_string (GTK_STRING_LIST (codes), currency), 3);

  /* Formats stay learned until someone types other ones. */
  g_strfreev (s->order_formats);
  s->order_formats = g_strsplit (formats ? formats : "", ",", -1);
  for (guint i = 0; s->order_formats[i]; i++)
    g_strstrip (s->order_formats[i]);
  typed_formats = g_strjoinv (",", s->order_formats);
  s->order_formats_learned = self->settings->order_formats_learned &&
                             g_strcmp0 (typed_formats, saved_formats) == 0;
  if (!s->order_formats_learned && (formats == NULL))
    {
      g_strfreev (s->order_formats);
      s->order_formats = g_new0 (char *, 1);
    }

  for (guint p = 0; p < SD_SHOP_N_POLICIES; p++)
    for (guint l = 0; l < SD_SHOP_N_LANGS; l++)
      s->policy[p][l] = row_text (self->policy_rows[p][l]);
  days = gtk_spin_button_get_value_as_int (self->returns_days_spin);
  s->returns_days = days > 0 ? days : -1;

  for (guint i = 0; i < self->region_rows->len; i++)
    {
      GObject *expander = self->region_rows->pdata[i];
      g_autofree char *id = row_text (g_object_get_data (expander, "id"));
      SdShippingRegion *region = sd_shipping_region_new (id);

      g_ptr_array_add (s->regions, region);
      region->name[SD_SHOP_LANG_EN] = row_text (g_object_get_data (expander, "name-en"));
      region->name[SD_SHOP_LANG_ZH_CN] = row_text (g_object_get_data (expander, "name-zh"));
      region->days = row_text (g_object_get_data (expander, "days"));
      if (!read_money (g_object_get_data (expander, "cost"), &region->cost_cents, error))
        {
          *bad_row = g_object_get_data (expander, "cost");
          return NULL;
        }
      if (!read_money (g_object_get_data (expander, "free-over"), &region->free_over_cents, error))
        {
          *bad_row = g_object_get_data (expander, "free-over");
          return NULL;
        }
    }
  return g_steal_pointer (&s);
}

static void
save (SdShopSettingsWindow *self,
      GtkWidget            *row)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdShopSettings) s = NULL;
  GtkWidget *bad_row = row;

  if (self->filling || self->settings == NULL || self->store == NULL)
    return;
  if ((s = read_rows (self, &bad_row, &error)) == NULL ||
      !sd_shop_settings_save (self->store, s, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Not saved: %s"), error->message);

      sd_toasts_show_in (GTK_WIDGET (self), message, 6);
      if (bad_row)
        gtk_widget_add_css_class (bad_row, "error");
      return;
    }
  if (row)
    gtk_widget_remove_css_class (row, "error");
  if (s->order_formats_learned)
    {
      g_strfreev (s->order_formats);
      s->order_formats = g_strdupv (self->settings->order_formats);
    }
  sd_shop_settings_free (self->settings);
  self->settings = g_steal_pointer (&s);
  show_formats (self, (const char *const *) self->settings->order_formats,
                self->settings->order_formats_learned);
  sd_store_notify_changed_detail (self->store, SD_STORE_CHANGED_SETTINGS);
}

static void
field_applied_cb (SdShopSettingsWindow *self,
                  GtkWidget            *row)
{
  save (self, row);
  /* A region's title follows its name. */
  for (GtkWidget *w = row; w; w = gtk_widget_get_parent (w))
    if (ADW_IS_EXPANDER_ROW (w))
      {
        GtkWidget *name = g_object_get_data (G_OBJECT (w), "name-en");
        GtkWidget *id = g_object_get_data (G_OBJECT (w), "id");
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (w), gtk_editable_get_text (GTK_EDITABLE (name)));
        adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (w), gtk_editable_get_text (GTK_EDITABLE (id)));
        break;
      }
}

static void
changed_cb (SdShopSettingsWindow *self,
            GParamSpec           *pspec,
            GtkWidget            *row)
{
  save (self, row);
}

static void
learn_clicked_cb (SdShopSettingsWindow *self)
{
  g_autofree char *formats = NULL;

  if (self->settings == NULL || self->learned == NULL)
    return;
  g_strfreev (self->settings->order_formats);
  self->settings->order_formats = g_strdupv (self->learned);
  self->settings->order_formats_learned = TRUE;
  formats = g_strjoinv (", ", self->learned);
  self->filling = TRUE;
  set_text (self->formats_row, formats);
  self->filling = FALSE;
  save (self, GTK_WIDGET (self->formats_row));
}

static void
add_region_clicked_cb (SdShopSettingsWindow *self)
{
  g_autofree char *id = NULL;
  g_autoptr(SdShippingRegion) region = NULL;
  guint n = self->region_rows->len + 1;

  if (self->settings == NULL)
    return;
  /* A new id nobody has, which the person renames. */
  do
    {
      g_free (id);
      id = g_strdup_printf ("region%u", n++);
      for (guint i = 0; i < self->region_rows->len; i++)
        if (g_strcmp0 (g_object_get_data (self->region_rows->pdata[i], "region-id"), id) == 0)
          g_clear_pointer (&id, g_free);
    }
  while (id == NULL);
  region = sd_shipping_region_new (id);
  add_region_row (self, region);
  adw_expander_row_set_expanded (self->region_rows->pdata[self->region_rows->len - 1], TRUE);
  save (self, NULL);
}

static void
remove_region_clicked_cb (SdShopSettingsWindow *self,
                          GtkButton            *button)
{
  GtkWidget *expander = g_object_get_data (G_OBJECT (button), "expander");

  g_ptr_array_remove (self->region_rows, expander);
  adw_preferences_group_remove (self->regions_group, expander);
  save (self, NULL);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  SdShopSettingsWindow *self = SD_SHOP_SETTINGS_WINDOW (source);
  Load *load = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("Could not read the shop's settings: %s"), error->message);
          sd_toasts_show_in (GTK_WIDGET (self), message, 5);
        }
      return;
    }
  self->settings = g_steal_pointer (&load->settings);
  self->learned = g_steal_pointer (&load->learned);
  self->examples = g_steal_pointer (&load->examples);
  fill (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self), TRUE);
}

/* ---- Building ------------------------------------------------------------------- */

static void
build_policy_rows (SdShopSettingsWindow *self)
{
  for (guint p = 0; p < SD_SHOP_N_POLICIES; p++)
    {
      GtkWidget *group = adw_preferences_group_new ();

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _(policy_titles[p].title));
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), _(policy_titles[p].hint));
      for (guint l = 0; l < SD_SHOP_N_LANGS; l++)
        {
          GtkWidget *row = adw_entry_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(lang_titles[l]));
          adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
          g_signal_connect_object (row, "apply", G_CALLBACK (field_applied_cb), self, G_CONNECT_SWAPPED);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
          self->policy_rows[p][l] = row;
        }
      adw_preferences_page_add (self->policies_page, ADW_PREFERENCES_GROUP (group));
    }
}

static GListModel *
currency_model (void)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  gtk_string_list_append (list, _("Not set"));
  for (const char *const *code = sd_currency_codes (); *code; code++)
    {
      g_autofree char *item = g_strdup_printf ("%s — %s", *code, sd_currency_name (*code));
      gtk_string_list_append (list, item);
    }
  return G_LIST_MODEL (list);
}

static void
sd_shop_settings_window_dispose (GObject *object)
{
  SdShopSettingsWindow *self = SD_SHOP_SETTINGS_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_pointer (&self->settings, sd_shop_settings_free);
  g_clear_pointer (&self->learned, g_strfreev);
  g_clear_pointer (&self->examples, g_hash_table_unref);
  g_clear_pointer (&self->region_rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_SHOP_SETTINGS_WINDOW);

  G_OBJECT_CLASS (sd_shop_settings_window_parent_class)->dispose (object);
}

static void
sd_shop_settings_window_class_init (SdShopSettingsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_shop_settings_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sd-shop-settings-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SdShopSettingsWindow, name_en_row);
  gtk_widget_class_bind_template_child (widget_class, SdShopSettingsWindow, name_zh_row);
  gtk_widget_class_bind_template_child (widget_class, SdShopSettingsWindow, currency_row);
  gtk_widget_class_bind_template_child (widget_class, SdShopSettingsWindow, timezone_row);
  gtk_widget_class_bind_template_child (widget_class, SdShopSettingsWindow, formats_group);
  gtk_widget_class_bind_template_child (widget_class, SdShopSettingsWindow, formats_row);
  gtk_widget_class_bind_template_child (widget_class, SdShopSettingsWindow, formats_list);
  gtk_widget_class_bind_template_child (widget_class, SdShopSettingsWindow, learn_button);
  gtk_widget_class_bind_template_child (widget_class, SdShopSettingsWindow, policies_page);
  gtk_widget_class_bind_template_child (widget_class, SdShopSettingsWindow, returns_days_spin);
  gtk_widget_class_bind_template_child (widget_class, SdShopSettingsWindow, regions_group);
  gtk_widget_class_bind_template_callback (widget_class, learn_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_region_clicked_cb);
}

static void
sd_shop_settings_window_init (SdShopSettingsWindow *self)
{
  g_autoptr(GListModel) codes = currency_model ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->region_rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
  adw_combo_row_set_model (self->currency_row, codes);
  build_policy_rows (self);

  g_signal_connect_object (self->name_en_row, "apply", G_CALLBACK (field_applied_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->name_zh_row, "apply", G_CALLBACK (field_applied_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->timezone_row, "apply", G_CALLBACK (field_applied_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->formats_row, "apply", G_CALLBACK (field_applied_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->currency_row, "notify::selected", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->returns_days_spin, "notify::value", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
}

GtkWidget *
sd_shop_settings_window_new (GtkWindow *parent,
                             SdStore   *store)
{
  SdShopSettingsWindow *self = g_object_new (SD_TYPE_SHOP_SETTINGS_WINDOW,
                                             "transient-for", parent, NULL);
  g_autoptr(GTask) task = NULL;
  Load *load = g_new0 (Load, 1);

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  self->store = g_object_ref (store);
  load->db_path = g_strdup (sd_store_get_path (store));
  /* Nothing to edit until the settings are read: no half-filled save. */
  gtk_widget_set_sensitive (GTK_WIDGET (self), FALSE);
  task = g_task_new (self, self->cancellable, loaded_cb, NULL);
  g_task_set_task_data (task, load, (GDestroyNotify) load_free);
  sd_job_run_task_in_thread (task, load_thread);
  return GTK_WIDGET (self);
}
