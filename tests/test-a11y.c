/* test-a11y.c — every control on every page has a name a screen reader can read
 *
 * Opens the window on a demo shop, shows each page in turn and walks its whole widget
 * tree (and the header bar's). A button, menu button, dropdown, entry, search entry,
 * spin button, switch or scale fails the test unless something names it: its own
 * label (or a label inside it), a tooltip, an accessible label or a labelled-by
 * relation, or an AdwActionRow whose activatable widget it is. The parts GTK builds
 * inside a composite control (a spin button's +/- buttons, a dropdown's toggle) are
 * named by that control and not walked. A chart (SdLineChart, SdHeatmap, SdScatter) fails
 * unless it has an accessible description: the text summary of what it shows. Then
 * Tab must move the keyboard focus between each page's controls.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "sd-application.h"
#include "sd-demo.h"
#include "sd-window.h"

static const char *const page_names[] = {
  "overview", "data", "training", "recommendations", "customers", "fairness", "coupons", "chatbot",
};

static guint n_charts;
static char *tmp_dir;
static char *shop_path;
static SdApplication *app;
static SdWindow *window;

static gboolean
has_text (const char *text)
{
  return text != NULL && *text != '\0';
}

static gboolean
contains_label (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && has_text (gtk_label_get_text (GTK_LABEL (widget))))
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (contains_label (c))
      return TRUE;
  return FALSE;
}

/* The row that makes @widget activatable: a screen reader reads the row's title for it. */
static gboolean
labelled_by_row (GtkWidget *widget)
{
  GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_ACTION_ROW);

  return row != NULL && adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row)) == widget;
}

static gboolean
is_named (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (has_text (gtk_widget_get_tooltip_text (widget)) ||
      gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY) ||
      labelled_by_row (widget))
    return TRUE;
  if (GTK_IS_MENU_BUTTON (widget))
    return has_text (gtk_menu_button_get_label (GTK_MENU_BUTTON (widget))) || contains_label (widget);
  if (GTK_IS_BUTTON (widget))
    return contains_label (widget);
  return FALSE;
}

static gboolean
is_control (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) ||
         GTK_IS_ENTRY (widget) || GTK_IS_SEARCH_ENTRY (widget) || GTK_IS_SPIN_BUTTON (widget) ||
         GTK_IS_SWITCH (widget) || GTK_IS_SCALE (widget);
}

/* Composites whose inner parts GTK or libadwaita name through the composite itself. */
static gboolean
is_composite (GtkWidget *widget)
{
  return GTK_IS_MENU_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_SPIN_BUTTON (widget) ||
         GTK_IS_WINDOW_CONTROLS (widget) || ADW_IS_COMBO_ROW (widget) ||
         ADW_IS_SPLIT_BUTTON (widget) || ADW_IS_EXPANDER_ROW (widget) || GTK_IS_POPOVER (widget);
}

static char *
describe (GtkWidget *widget)
{
  GString *path = g_string_new (G_OBJECT_TYPE_NAME (widget));
  const char *id = gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget));

  if (id && !g_str_has_prefix (id, "___"))
    g_string_append_printf (path, "#%s", id);
  for (GtkWidget *p = gtk_widget_get_parent (widget); p; p = gtk_widget_get_parent (p))
    {
      const char *pid = gtk_buildable_get_buildable_id (GTK_BUILDABLE (p));

      if (pid && g_str_has_prefix (pid, "___"))
        pid = NULL;   /* GtkBuilder's made-up ids say nothing */
      if (pid || g_str_has_prefix (G_OBJECT_TYPE_NAME (p), "Sd"))
        {
          g_string_append_printf (path, " in %s%s%s", G_OBJECT_TYPE_NAME (p), pid ? "#" : "",
                                  pid ? pid : "");
          if (g_str_has_prefix (G_OBJECT_TYPE_NAME (p), "Sd"))
            break;
        }
    }
  return g_string_free (path, FALSE);
}

static gboolean
is_chart (GtkWidget *widget)
{
  const char *type = G_OBJECT_TYPE_NAME (widget);

  return g_str_equal (type, "SdLineChart") || g_str_equal (type, "SdHeatmap") ||
         g_str_equal (type, "SdScatter");
}

static void
walk (GtkWidget *widget,
      GPtrArray *unnamed,
      guint     *n_controls)
{
  if (!gtk_widget_get_visible (widget))
    return;
  /* A chart is a picture to a screen reader: its description tells what it shows. */
  n_charts += is_chart (widget);
  if (is_chart (widget) &&
      !gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION))
    {
      g_autofree char *what = describe (widget);
      g_ptr_array_add (unnamed, g_strconcat ("no text summary: ", what, NULL));
    }
  if (is_control (widget))
    {
      (*n_controls)++;
      if (!is_named (widget))
        g_ptr_array_add (unnamed, describe (widget));
    }
  if (is_composite (widget))
    return;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    walk (c, unnamed, n_controls);
}

static void
test_every_control_named (void)
{
  g_autoptr(GPtrArray) unnamed = g_ptr_array_new_with_free_func (g_free);
  guint n_controls = 0;

  for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
    {
      gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", page_names[i]);
      gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
    }
  /* Pages fill in from background queries; give them a moment, then walk everything
   * (every page is a child of the window's stack, shown or not). */
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  walk (GTK_WIDGET (window), unnamed, &n_controls);

  for (guint i = 0; i < unnamed->len; i++)
    g_test_message ("no accessible name: %s", (char *) unnamed->pdata[i]);
  g_test_message ("%u controls and %u charts, %u without a name or summary",
                  n_controls, n_charts, unnamed->len);
  g_assert_cmpuint (n_controls, >, 30);
  g_assert_cmpuint (n_charts, >=, 3);
  g_assert_cmpuint (unnamed->len, ==, 0);
}

static GtkWidget *
find_mapped_focusable (GtkWidget *w)
{
  if (is_control (w) && gtk_widget_get_mapped (w) && gtk_widget_get_focusable (w) &&
      gtk_widget_is_sensitive (w))
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_mapped_focusable (c);
      if (found)
        return found;
    }
  return NULL;
}

/* Every page can be worked from the keyboard: from its first control, Tab walks
 * through the others without getting stuck on one. */
static void
test_keyboard (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
    {
      GtkWidget *page = sd_window_get_page (window, page_names[i]);
      g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
      GtkWidget *focus, *start;

      gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", page_names[i]);
      gtk_test_widget_wait_for_draw (GTK_WIDGET (window));
      /* From the page's first control, Tab as the window handles it. */
      start = find_mapped_focusable (page);
      g_assert_nonnull (start);
      g_assert_true (gtk_widget_grab_focus (start));
      for (guint step = 0; step < 60; step++)
        {
          focus = gtk_window_get_focus (GTK_WINDOW (window));
          if (focus == NULL || !gtk_widget_is_ancestor (focus, page) ||
              g_hash_table_contains (seen, focus))
            break;   /* left the page, or came round */
          g_hash_table_add (seen, focus);
          if (!gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD))
            break;
        }
      g_test_message ("%s: %u controls reached with Tab", page_names[i], g_hash_table_size (seen));
      g_assert_cmpuint (g_hash_table_size (seen), >=, 2);
    }
}

/* @accelerator as GTK names it, so "<Ctrl>o" and "<Control>o" compare equal. */
static char *
normalise_accelerator (const char *accelerator)
{
  guint key = 0;
  GdkModifierType mods = 0;

  g_assert_true (gtk_accelerator_parse (accelerator, &key, &mods));
  return gtk_accelerator_name (key, mods);
}

/* The shortcuts window (Ctrl+?) names the keys the window really has: each page's Alt+N
 * under that page's name (Fairness was left out, so it said Alt+6 for Coupons, which
 * opened Fairness, and Alt+7 for the Chatbot), and every other key the window and the
 * application bind. */
static void
test_shortcuts_window (void)
{
  /* page_names' titles as the sidebar and the shortcuts window say them */
  static const char *const titles[] = {
    "Overview", "Data", "Training", "Recommendations", "Customers", "Fairness", "Coupons", "Chatbot",
  };
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/io/github/shopdesk/Shopdesk/gtk/help-overlay.ui");
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) pairs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  g_autoptr(GSList) objects = gtk_builder_get_objects (builder);
  g_auto(GStrv) action_names = NULL;
  guint n_pages = 0, n_keys = 0;

  G_STATIC_ASSERT (G_N_ELEMENTS (titles) == G_N_ELEMENTS (page_names));
  for (GSList *l = objects; l; l = l->next)
    if (GTK_IS_SHORTCUTS_SHORTCUT (l->data))
      {
        g_autofree char *accelerator = NULL;
        g_autofree char *title = NULL;
        g_autofree char *name = NULL;

        g_object_get (l->data, "accelerator", &accelerator, "title", &title, NULL);
        name = normalise_accelerator (accelerator);
        g_hash_table_add (pairs, g_strconcat (name, " ", title, NULL));
        g_hash_table_add (listed, g_steal_pointer (&name));
      }

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          g_autofree char *name = NULL;

          /* GTK's own bindings (Tab, the inspector) are not the window's to list */
          if (!GTK_IS_NAMED_ACTION (action) || !GTK_IS_KEYVAL_TRIGGER (trigger) ||
              !g_str_has_prefix (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)), "win."))
            continue;
          name = gtk_accelerator_name (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)),
                                       gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)));
          n_keys++;
          if (!g_hash_table_contains (listed, name))
            g_error ("%s (%s) is not in the shortcuts window", name,
                     gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)));
          if (g_str_equal (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)), "win.show-page"))
            {
              const char *page = g_variant_get_string (gtk_shortcut_get_arguments (shortcut), NULL);
              g_autofree char *pair = NULL;
              guint k = 0;

              while (k < G_N_ELEMENTS (page_names) && !g_str_equal (page_names[k], page))
                k++;
              g_assert_cmpuint (k, <, G_N_ELEMENTS (page_names));
              pair = g_strconcat (name, " ", titles[k], NULL);
              if (!g_hash_table_contains (pairs, pair))
                g_error ("%s opens %s, but the shortcuts window does not say so", name, titles[k]);
              n_pages++;
            }
        }
    }
  g_assert_cmpuint (n_pages, ==, G_N_ELEMENTS (page_names));

  action_names = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  for (guint i = 0; action_names[i]; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), action_names[i]);

      for (guint j = 0; accels[j]; j++)
        {
          g_autofree char *name = normalise_accelerator (accels[j]);

          n_keys++;
          if (!g_hash_table_contains (listed, name))
            g_error ("%s (%s) is not in the shortcuts window", name, action_names[i]);
        }
    }
  g_test_message ("%u keys bound, %u listed", n_keys, g_hash_table_size (listed));
  g_assert_cmpuint (n_keys, >, G_N_ELEMENTS (page_names));
}

static void
make_demo_shop (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (path, &error);
  SdDemoOptions options;

  g_assert_no_error (error);
  sd_demo_options_init (&options);
  g_assert_true (sd_demo_options_for_size (&options, "600", &error));
  g_assert_true (sd_demo_generate (store, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int status;

  tmp_dir = g_dir_make_tmp ("shopdesk-a11y-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", tmp_dir, TRUE);
  /* The test AT context keeps the accessible properties the test reads back. */
  g_setenv ("GTK_A11Y", "test", TRUE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  shop_path = g_build_filename (tmp_dir, "demo.sqlite", NULL);
  make_demo_shop (shop_path);

  app = sd_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);

  window = sd_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  g_assert_true (sd_window_open_shop (window, shop_path));
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (window));

  g_test_add_func ("/a11y/every-control-named", test_every_control_named);
  g_test_add_func ("/a11y/keyboard", test_keyboard);
  g_test_add_func ("/a11y/shortcuts-window", test_shortcuts_window);
  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  {
    const char *names[] = { "demo.sqlite", "demo.sqlite-wal", "demo.sqlite-shm" };
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *child = g_build_filename (tmp_dir, names[i], NULL);
        g_remove (child);
      }
  }
  g_rmdir (tmp_dir);
  g_free (shop_path);
  g_free (tmp_dir);
  return status;
}
