/* test-layout.c — every page usable at 1024×700 and 800×600: no control out of reach,
 * no row title broken inside a word
 *
 * Each page is shown at both sizes and every visible control (buttons, entries, drop-downs,
 * switches, spin buttons, scales, charts) is checked: it must lie inside the window, or,
 * inside a GtkScrolledWindow, inside the scrolled child's allocation (reachable by
 * scrolling) while the scrolled window itself is reachable in the same way. Pages scroll
 * vertically: a control reached only by scrolling sideways counts as cut off, except in a
 * table (GtkColumnView) whose columns are wider than the page. A window whose
 * content needs more than the size asked for fails too: the window manager would make it
 * larger than the screen it was asked to fit.
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "sd-data-page.h"
#include "ui-demo-window.h"
#include "ui-test-util.h"

/* "recommendations:ID" is that page with a customer open (its fullest state). */
static const char *const pages[] = {
  "overview", "data", "training", "recommendations", "recommendations:CUS-0000001",
  "customers", "fairness", "coupons", "chatbot",
};

static const struct { int width, height; } sizes[] = { { 1024, 700 }, { 800, 600 } };

static int
surface_width (GtkWidget *window)
{
  return gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (window)));
}

static int
surface_height (GtkWidget *window)
{
  return gdk_surface_get_height (gtk_native_get_surface (GTK_NATIVE (window)));
}

/* Waits (at most 5 s) for the window to take @width × @height (its surface: the window
 * widget inside may be a few pixels smaller for its frame). */
static gboolean
wait_for_size (GtkWidget *window,
               int        width,
               int        height)
{
  for (guint i = 0; i < 100; i++)
    {
      if (surface_width (window) == width && surface_height (window) == height)
        return TRUE;
      ui_test_spin (50);
    }
  return FALSE;
}

static gboolean
is_control (GtkWidget *widget)
{
  const char *type = G_OBJECT_TYPE_NAME (widget);

  /* The GtkText inside an entry is the entry itself. */
  if (GTK_IS_TEXT (widget) && gtk_widget_get_parent (widget) && GTK_IS_EDITABLE (gtk_widget_get_parent (widget)))
    return FALSE;
  return GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_DROP_DOWN (widget) ||
         GTK_IS_EDITABLE (widget) || GTK_IS_SWITCH (widget) || GTK_IS_SCALE (widget) ||
         GTK_IS_SPIN_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget) ||
         (g_str_has_prefix (type, "Sd") &&
          (g_str_has_suffix (type, "Chart") || g_str_has_suffix (type, "Heatmap") ||
           g_str_has_suffix (type, "Scatter")));
}

static GtkWidget *
scrolled_ancestor (GtkWidget *widget)
{
  for (GtkWidget *w = gtk_widget_get_parent (widget); w; w = gtk_widget_get_parent (w))
    if (GTK_IS_SCROLLED_WINDOW (w))
      return w;
  return NULL;
}

static char *
describe (GtkWidget *widget)
{
  GString *path = g_string_new (NULL);
  const char *label = NULL;

  for (GtkWidget *w = widget; w && !GTK_IS_WINDOW (w); w = gtk_widget_get_parent (w))
    {
      const char *name = gtk_widget_get_name (w);
      if (path->len)
        g_string_prepend (path, " > ");
      g_string_prepend (path, name && !g_str_equal (name, G_OBJECT_TYPE_NAME (w)) ? name : G_OBJECT_TYPE_NAME (w));
    }
  if (GTK_IS_BUTTON (widget))
    label = gtk_button_get_label (GTK_BUTTON (widget));
  if (label == NULL)
    label = gtk_widget_get_tooltip_text (widget);
  if (label)
    g_string_append_printf (path, " (“%s”)", label);
  return g_string_free (path, FALSE);
}

/* Whether @widget can be seen, scrolling if need be; the reason in @why when not. */
static gboolean
reachable (GtkWidget  *widget,
           GtkWidget  *window,
           char      **why)
{
  GtkWidget *scrolled = scrolled_ancestor (widget);
  GtkWidget *area = scrolled ? gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)) : window;
  graphene_rect_t bounds;
  const float slack = 1;

  if (scrolled && area && GTK_IS_VIEWPORT (area) && gtk_viewport_get_child (GTK_VIEWPORT (area)))
    area = gtk_viewport_get_child (GTK_VIEWPORT (area));
  if (!gtk_widget_compute_bounds (widget, area, &bounds))
    return TRUE;   /* not in the same tree: nothing to say */
  if (bounds.size.width <= 0 || bounds.size.height <= 0)
    return TRUE;
  /* Pages scroll vertically: sideways only a table's columns (the Data page's), so
   * elsewhere the width that counts is the scrolled window's own. */
  if (scrolled && !GTK_IS_COLUMN_VIEW (area))
    {
      graphene_rect_t across;
      if (gtk_widget_compute_bounds (widget, scrolled, &across) &&
          (across.origin.x < -slack || across.origin.x + across.size.width > gtk_widget_get_width (scrolled) + slack))
        {
          *why = g_strdup_printf ("at x %.0f, %.0f wide, beyond the %d px its scrolled window shows (it would scroll sideways)",
                                  across.origin.x, across.size.width, gtk_widget_get_width (scrolled));
          return FALSE;
        }
    }
  if (bounds.origin.x < -slack || bounds.origin.y < -slack ||
      bounds.origin.x + bounds.size.width > gtk_widget_get_width (area) + slack ||
      bounds.origin.y + bounds.size.height > gtk_widget_get_height (area) + slack)
    {
      *why = g_strdup_printf ("at %.0f,%.0f %.0f×%.0f, outside %s of %d×%d",
                              bounds.origin.x, bounds.origin.y, bounds.size.width, bounds.size.height,
                              scrolled ? "its scrolled area" : "the window",
                              gtk_widget_get_width (area), gtk_widget_get_height (area));
      return FALSE;
    }
  return scrolled == NULL || reachable (scrolled, window, why);
}

/* A stack's pages other than the visible one (mapped while a crossfade runs) are not on
 * screen for long: not judged. */
static gboolean
in_hidden_stack_page (GtkWidget *widget)
{
  for (GtkWidget *w = widget, *parent; (parent = gtk_widget_get_parent (w)); w = parent)
    if (GTK_IS_STACK (parent) && gtk_stack_get_visible_child (GTK_STACK (parent)) != w)
      return TRUE;
  return FALSE;
}

/* A row's title that breaks inside a word ("Tune Bud-get" over three lines) is not read
 * whole: every word of it must fit the width the title was given. The reason in @why. */
static gboolean
title_reads_whole (GtkWidget  *label,
                   char      **why)
{
  g_auto(GStrv) words = NULL;
  int width = gtk_widget_get_width (label);

  if (!GTK_IS_LABEL (label) || !gtk_widget_has_css_class (label, "title") ||
      !gtk_widget_get_ancestor (label, ADW_TYPE_ACTION_ROW) || width <= 0)
    return TRUE;
  words = g_strsplit (gtk_label_get_text (GTK_LABEL (label)), " ", -1);
  for (guint i = 0; words[i]; i++)
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (label, words[i]);
      int word_width;

      pango_layout_get_pixel_size (layout, &word_width, NULL);
      if (word_width > width)
        {
          *why = g_strdup_printf ("the title “%s” breaks inside “%s” (%d px in %d)",
                                  gtk_label_get_text (GTK_LABEL (label)), words[i], word_width, width);
          return FALSE;
        }
    }
  return TRUE;
}

static void
check_tree (GtkWidget *widget,
            GtkWidget *window,
            GPtrArray *problems,
            guint     *n_controls)
{
  g_autofree char *broken = NULL;

  if (!gtk_widget_get_mapped (widget))
    return;
  if (!in_hidden_stack_page (widget) && !title_reads_whole (widget, &broken))
    g_ptr_array_add (problems, g_steal_pointer (&broken));
  if (is_control (widget))
    {
      g_autofree char *why = NULL;

      if (in_hidden_stack_page (widget))
        return;
      (*n_controls)++;
      if (!reachable (widget, window, &why))
        {
          g_autofree char *what = describe (widget);
          g_ptr_array_add (problems, g_strdup_printf ("%s: %s", what, why));
        }
      return;   /* a control's own parts are the control */
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    check_tree (child, window, problems, n_controls);
}

/* One of pages[]: "recommendations:ID" opens that customer. */
static void
show_page (GtkWidget  *window,
           const char *page)
{
  if (strchr (page, ':'))
    gtk_widget_activate_action (window, "win.show-customer", "s", strchr (page, ':') + 1);
  else
    gtk_widget_activate_action (window, "win.show-page", "s", page);
}

static void
test_sizes (gconstpointer data)
{
  UiDemoWindow *t = (UiDemoWindow *) data;
  GtkWidget *window = GTK_WIDGET (t->window);
  guint failures = 0;

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      for (guint p = 0; p < G_N_ELEMENTS (pages); p++)
        {
          g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
          guint n_controls = 0;
          int min_width = 0, min_height = 0;

          show_page (window, pages[p]);
          /* again for each page: a window that had to grow for one page keeps its size */
          gtk_window_set_default_size (GTK_WINDOW (window), sizes[s].width, sizes[s].height);
          /* the pages load in jobs: let them fill in */
          ui_test_spin (p == 0 && s == 0 ? 3000 : 1200);
          if (!wait_for_size (window, sizes[s].width, sizes[s].height))
            {
              GtkWidget *page = sd_window_get_page (t->window, sd_window_get_visible_page (t->window));
              gtk_widget_measure (page, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
              gtk_widget_measure (page, GTK_ORIENTATION_VERTICAL, -1, &min_height, NULL, NULL, NULL);
              g_test_message ("%s at %d×%d: the window stays %d×%d (the page needs at least %d×%d)",
                              pages[p], sizes[s].width, sizes[s].height,
                              surface_width (window), surface_height (window), min_width, min_height);
              failures++;
              continue;
            }
          check_tree (window, window, problems, &n_controls);
          if (problems->len)
            {
              /* A page still filling in (a busy machine): judge it once it has settled. */
              ui_test_spin (2000);
              g_ptr_array_set_size (problems, 0);
              n_controls = 0;
              check_tree (window, window, problems, &n_controls);
            }
          g_test_message ("%s at %d×%d: %u controls, %u out of reach", pages[p],
                          sizes[s].width, sizes[s].height, n_controls, problems->len);
          for (guint i = 0; i < problems->len; i++)
            g_test_message ("  %s", (char *) problems->pdata[i]);
          /* a page with nothing to check would pass anything */
          g_assert_cmpuint (n_controls, >=, 3);
          failures += problems->len;
        }
    }
  g_assert_cmpuint (failures, ==, 0);
}

/* At 1024×700 every table of the Data page fits its view: no column only a sideways
 * scroll shows (the Orders table's Currency and Country were). The demo shop fills every
 * column, names and e-mails included. */
static void
test_data_tables_fit (gconstpointer data)
{
  UiDemoWindow *t = (UiDemoWindow *) data;
  GtkWidget *window = GTK_WIDGET (t->window);
  SdDataPage *page = SD_DATA_PAGE (sd_window_get_page (t->window, "data"));

  gtk_widget_activate_action (window, "win.show-page", "s", "data");
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 700);
  ui_test_spin (1200);
  g_assert_true (wait_for_size (window, 1024, 700));
  for (SdTable table = 0; table < SD_N_TABLES; table++)
    {
      GtkWidget *view, *scrolled;
      GtkAdjustment *h;
      GListModel *columns;
      int sum = 0;

      sd_data_page_show_table (page, table);
      UI_WAIT_UNTIL (!sd_table_model_get_loading (sd_data_page_get_model (page)), 30);
      ui_test_spin (300);
      view = ui_test_find_widget_of_type (GTK_WIDGET (page), GTK_TYPE_COLUMN_VIEW);
      scrolled = gtk_widget_get_ancestor (view, GTK_TYPE_SCROLLED_WINDOW);
      h = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scrolled));
      columns = gtk_column_view_get_columns (GTK_COLUMN_VIEW (view));
      for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
        {
          g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
          sum += gtk_column_view_column_get_fixed_width (column);
        }
      g_test_message ("%s: %u columns, %d px of %d", sd_table_get_title (table),
                      g_list_model_get_n_items (columns), sum, gtk_widget_get_width (scrolled));
      /* the whole table, every column of it shown */
      g_assert_cmpuint (g_list_model_get_n_items (columns), ==, sd_table_get_n_columns (table));
      g_assert_cmpint (sum, <=, gtk_widget_get_width (scrolled));
      g_assert_cmpfloat (gtk_adjustment_get_upper (h), <=, gtk_adjustment_get_page_size (h) + 1);
    }
}

static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action);
      if (found)
        return found;
    }
  return NULL;
}

/* At 1024×700 the Customers page's Export with Differential Privacy… reads on one line:
 * beside the Segments heading it was squeezed onto three. */
static void
test_customers_export_one_line (gconstpointer data)
{
  UiDemoWindow *t = (UiDemoWindow *) data;
  GtkWidget *window = GTK_WIDGET (t->window);
  GtkWidget *page = sd_window_get_page (t->window, "customers");
  GtkWidget *button, *label;

  gtk_widget_activate_action (window, "win.show-page", "s", "customers");
  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 700);
  ui_test_spin (1200);
  g_assert_true (wait_for_size (window, 1024, 700));
  UI_WAIT_UNTIL (find_action_button (page, "customers.export-private") != NULL &&
                 gtk_widget_get_mapped (find_action_button (page, "customers.export-private")), 300);
  ui_test_spin (300);
  button = find_action_button (page, "customers.export-private");
  label = gtk_button_get_child (GTK_BUTTON (button));
  g_assert_true (GTK_IS_LABEL (label));
  g_test_message ("%s: %d line(s), %d px wide", gtk_label_get_text (GTK_LABEL (label)),
                  pango_layout_get_line_count (gtk_label_get_layout (GTK_LABEL (label))), gtk_widget_get_width (label));
  g_assert_cmpint (pango_layout_get_line_count (gtk_label_get_layout (GTK_LABEL (label))), ==, 1);
}

/* The scroll controller SdColumns puts on a scrolled window it manages. */
static GtkEventController *
pass_scroll_controller (GtkWidget *scrolled)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (scrolled);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (g_strcmp0 (gtk_event_controller_get_name (controller), "sd-columns-pass-scroll") == 0)
        return controller;   /* the widget keeps it */
    }
  return NULL;
}

/* Every scrolled window under @widget that may not scroll (vertical policy never) inside
 * one that scrolls and has somewhere to go: a wheel turn over it must move the outer one,
 * as GTK 4.8's own handler keeps the turn. */
static void
check_wheel (GtkWidget  *widget,
             const char *page,
             GPtrArray  *problems,
             guint      *n_checked)
{
  if (!gtk_widget_get_mapped (widget) || in_hidden_stack_page (widget))
    return;
  if (GTK_IS_SCROLLED_WINDOW (widget))
    {
      GtkPolicyType h, v;
      GtkWidget *outer = widget;

      gtk_scrolled_window_get_policy (GTK_SCROLLED_WINDOW (widget), &h, &v);
      if (v == GTK_POLICY_NEVER)
        {
          do
            {
              outer = gtk_widget_get_ancestor (gtk_widget_get_parent (outer), GTK_TYPE_SCROLLED_WINDOW);
              if (outer)
                gtk_scrolled_window_get_policy (GTK_SCROLLED_WINDOW (outer), &h, &v);
            }
          while (outer && v == GTK_POLICY_NEVER);
        }
      if (outer && outer != widget)
        {
          GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (outer));
          GtkEventController *controller = pass_scroll_controller (widget);
          double before = gtk_adjustment_get_value (adjustment);
          gboolean handled = FALSE;

          if (gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment) > 1)
            {
              (*n_checked)++;
              gtk_adjustment_set_value (adjustment, 0);
              if (controller)
                g_signal_emit_by_name (controller, "scroll", 0.0, 1.0, &handled);
              if (!handled || gtk_adjustment_get_value (adjustment) <= 0)
                {
                  g_autofree char *what = describe (widget);
                  g_ptr_array_add (problems, g_strdup_printf ("%s: a wheel turn over %s does not scroll the page",
                                                              page, what));
                }
              gtk_adjustment_set_value (adjustment, before);
            }
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    check_wheel (child, page, problems, n_checked);
}

/* At 1024×700 the Training page stacks its settings above its results and the Coupons
 * page its rules above the rule: the wheel over a stacked column scrolls the page (it did
 * nothing, so the results and the rule's lower half were out of reach of the mouse). */
static void
test_wheel_scrolls (gconstpointer data)
{
  UiDemoWindow *t = (UiDemoWindow *) data;
  GtkWidget *window = GTK_WIDGET (t->window);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  guint n_checked = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 1024, 700);
  for (guint p = 0; p < G_N_ELEMENTS (pages); p++)
    {
      show_page (window, pages[p]);
      ui_test_spin (1200);
      g_assert_true (wait_for_size (window, 1024, 700));
      check_wheel (window, pages[p], problems, &n_checked);
    }
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("%s", (char *) problems->pdata[i]);
  g_test_message ("%u scrolled windows inside a page that scrolls", n_checked);
  /* the Training page's two stacked columns and the Coupons page's rule at least */
  g_assert_cmpuint (n_checked, >=, 3);
  g_assert_cmpuint (problems->len, ==, 0);
}

int
main (int argc, char **argv)
{
  UiDemoWindow t = { 0 };
  int status;

  ui_demo_window_open (&t, &argc, &argv, "600", sizes[0].width, sizes[0].height);
  g_test_add_data_func ("/layout/pages-at-1024x700-and-800x600", &t, test_sizes);
  g_test_add_data_func ("/layout/data-tables-fit-1024x700", &t, test_data_tables_fit);
  g_test_add_data_func ("/layout/customers-export-one-line", &t, test_customers_export_one_line);
  g_test_add_data_func ("/layout/wheel-scrolls-stacked-columns", &t, test_wheel_scrolls);
  status = g_test_run ();
  ui_demo_window_close (&t);
  return status;
}
