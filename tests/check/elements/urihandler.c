/* gst-seedance: seedancesrc as a GstURIHandler for seedance://
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* What a seedance:// URI means: seedance://?key=value&... where the keys
 * are property names (or their '_' spelling) and the values are parsed
 * with the property's type; every error is a BAD_URI naming the key and
 * changes nothing; a URI describes the whole request and how long to wait
 * for it (what it does not name goes back to its default), never where the
 * key goes or where files are written: api-key, api-key-file, api-url,
 * model and cache-* are refused in a URI, and stay as the application set
 * them; get_uri() is canonical, shows none of those and round-trips; and
 * uridecodebin plays one against the emulator, or sends nothing at all
 * when the URI names an origin. */

#include <string.h>

#include <gst/pbutils/pbutils.h>

#include "seedancetestutils.h"

#define PROMPT "a red fox runs through fresh snow"
#define PROMPT_ENCODED "a%20red%20fox%20runs%20through%20fresh%20snow"

/* Long enough that a task stays pending while a test looks at it. */
#define SLOW_GENERATION_MS (10 * 60 * 1000)

#define DEFAULT_API_URL "https://api.modellix.ai"

/* A key set on the element, which no URI may replace or reveal. */
#define ELEMENT_KEY "sk-element-key-5a5a5a5a"

/* Every property of the element itself: 13 request fields, the 3 a URI
 * may set besides (task-id, poll-interval, timeout) and the 8 it may not
 * (the key, its file, its origin, the model, the cache and the last
 * frame's file). The handler adds none. */
#define N_OWN_PROPERTIES 25

/* What the application sets on the element and no URI may change: each
 * differs from the default. */
#define ELEMENT_KEY_FILE "/tmp/seedance-element-key-file"
#define ELEMENT_API_URL "http://127.0.0.1:4321"
#define ELEMENT_MODEL "acme/element-model"
#define ELEMENT_CACHE_MODE "resume"
#define ELEMENT_CACHE_DIR "/tmp/seedance element cache"
#define ELEMENT_LAST_FRAME_LOCATION "/tmp/seedance element last.png"
#define ELEMENT_REQUESTS_PER_MINUTE 9137
#define ELEMENT_CACHE_SIZE 77

/* ------------------------------------------------------------------------ */
/* Helpers */

static GstElement *
make_src (void)
{
  GstElement *src = gst_element_factory_make ("seedancesrc", NULL);

  fail_unless (src != NULL, "no seedancesrc element: is GST_PLUGIN_PATH set?");
  fail_unless (GST_IS_URI_HANDLER (src), "seedancesrc is no GstURIHandler");
  return src;
}

static void
assert_set_uri (GstElement * src, const gchar * uri)
{
  GError *error = NULL;
  gboolean ok;

  ok = gst_uri_handler_set_uri (GST_URI_HANDLER (src), uri, &error);
  fail_unless (ok, "'%s' was refused: %s", uri,
      error ? error->message : "no error");
  fail_unless (error == NULL, "'%s' was accepted with an error: %s", uri,
      error->message);
}

/* The GError of a refused URI, checked for domain and code. */
static GError *
assert_set_uri_fails (GstElement * src, const gchar * uri, gint code)
{
  GError *error = NULL;
  gboolean ok;

  ok = gst_uri_handler_set_uri (GST_URI_HANDLER (src), uri, &error);
  fail_if (ok, "'%s' was accepted", uri);
  fail_unless (error != NULL, "'%s' was refused without a GError", uri);
  fail_unless (error->domain == GST_URI_ERROR && error->code == code,
      "'%s': expected GstURIError %d, got %s %d: %s", uri, code,
      g_quark_to_string (error->domain), error->code, error->message);
  fail_unless (error->message != NULL && *error->message != '\0',
      "'%s' was refused with an empty message", uri);

  return error;
}

static gchar *
get_uri (GstElement * src)
{
  gchar *uri = gst_uri_handler_get_uri (GST_URI_HANDLER (src));

  fail_unless (uri != NULL, "get_uri gave NULL");
  return uri;
}

static void
assert_uri (GstElement * src, const gchar * expected)
{
  gchar *uri = get_uri (src);

  fail_unless_equals_string (uri, expected);
  g_free (uri);
}

/* A property as text: strings as they are (NULL when unset), booleans as
 * true/false, enums by nick, arrays as "<a | b>", numbers in decimal. */
static gchar *
property_to_string (GstElement * src, const gchar * name)
{
  GParamSpec *pspec;
  GValue value = G_VALUE_INIT;
  gchar *text;

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (src), name);
  fail_unless (pspec != NULL, "no property '%s'", name);
  g_value_init (&value, G_PARAM_SPEC_VALUE_TYPE (pspec));
  g_object_get_property (G_OBJECT (src), name, &value);

  if (G_VALUE_HOLDS_STRING (&value)) {
    text = g_value_dup_string (&value);
  } else if (G_VALUE_HOLDS_BOOLEAN (&value)) {
    text = g_strdup (g_value_get_boolean (&value) ? "true" : "false");
  } else if (G_VALUE_HOLDS_ENUM (&value)) {
    GEnumClass *klass = g_type_class_ref (G_VALUE_TYPE (&value));
    GEnumValue *v = g_enum_get_value (klass, g_value_get_enum (&value));

    text = g_strdup (v ? v->value_nick : "(no such value)");
    g_type_class_unref (klass);
  } else if (GST_VALUE_HOLDS_ARRAY (&value)) {
    GString *s = g_string_new ("<");
    guint i, n = gst_value_array_get_size (&value);

    for (i = 0; i < n; i++) {
      const GValue *item = gst_value_array_get_value (&value, i);

      fail_unless (G_VALUE_HOLDS_STRING (item), "item %u of '%s' is a %s", i,
          name, G_VALUE_TYPE_NAME (item));
      if (i > 0)
        g_string_append (s, " | ");
      g_string_append (s, g_value_get_string (item));
    }
    g_string_append_c (s, '>');
    text = g_string_free (s, FALSE);
  } else {
    text = gst_value_serialize (&value);
  }

  g_value_unset (&value);
  return text;
}

static void
assert_property (GstElement * src, const gchar * name, const gchar * expected)
{
  gchar *text = property_to_string (src, name);

  fail_unless (g_strcmp0 (text, expected) == 0,
      "property '%s' is '%s', expected '%s'", name, GST_STR_NULL (text),
      GST_STR_NULL (expected));
  g_free (text);
}

/* Sets everything a URI may not: the key, its file, its origin, the model
 * and the cache. */
static void
set_element_settings (GstElement * src)
{
  g_object_set (src, "api-key", ELEMENT_KEY, "api-key-file", ELEMENT_KEY_FILE,
      "api-url", ELEMENT_API_URL, "model", ELEMENT_MODEL,
      "cache-dir", ELEMENT_CACHE_DIR, "cache-size", (guint) ELEMENT_CACHE_SIZE,
      "last-frame-location", ELEMENT_LAST_FRAME_LOCATION,
      "requests-per-minute", (guint) ELEMENT_REQUESTS_PER_MINUTE, NULL);
  gst_util_set_object_arg (G_OBJECT (src), "cache-mode", ELEMENT_CACHE_MODE);
}

/* ...and they are still as set_element_settings() left them. */
static void
assert_element_settings (GstElement * src)
{
  gchar *cache_size = g_strdup_printf ("%u", (guint) ELEMENT_CACHE_SIZE);

  assert_property (src, "api-key", "***");
  assert_property (src, "api-key-file", ELEMENT_KEY_FILE);
  assert_property (src, "api-url", ELEMENT_API_URL);
  assert_property (src, "model", ELEMENT_MODEL);
  assert_property (src, "cache-mode", ELEMENT_CACHE_MODE);
  assert_property (src, "cache-dir", ELEMENT_CACHE_DIR);
  assert_property (src, "cache-size", cache_size);
  assert_property (src, "last-frame-location", ELEMENT_LAST_FRAME_LOCATION);
  assert_property (src, "requests-per-minute",
      G_STRINGIFY (ELEMENT_REQUESTS_PER_MINUTE));
  g_free (cache_size);
}

/* None of them, by key or by value, is in @uri (whose own keys and values
 * must not contain these words). */
static void
assert_uri_hides_element_settings (const gchar * uri)
{
  const gchar *forbidden[] = { "api-key", "api_key", "api-url", "api_url",
    "model", "cache", ELEMENT_KEY, "element-key-file", "4321",
    "element-model", "element%20cache", "resume", "77",
    "last-frame-location", "last_frame_location", "element%20last",
    "requests-per-minute", "requests_per_minute",
    G_STRINGIFY (ELEMENT_REQUESTS_PER_MINUTE)
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (forbidden); i++)
    fail_if (strstr (uri, forbidden[i]) != NULL, "'%s' shows '%s'", uri,
        forbidden[i]);
}

/* Every property of the element itself, one "name=value" line each: two
 * snapshots are equal when every property is. */
static gchar *
snapshot (GstElement * src)
{
  GParamSpec **pspecs;
  GString *s = g_string_new (NULL);
  guint i, n, n_own = 0;

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (src), &n);
  for (i = 0; i < n; i++) {
    gchar *text;

    if (pspecs[i]->owner_type != G_OBJECT_TYPE (src)
        || !(pspecs[i]->flags & G_PARAM_READABLE))
      continue;
    text = property_to_string (src, pspecs[i]->name);
    g_string_append_printf (s, "%s=%s\n", pspecs[i]->name,
        text ? text : "(unset)");
    g_free (text);
    n_own++;
  }
  g_free (pspecs);
  fail_unless_equals_int (n_own, N_OWN_PROPERTIES);

  return g_string_free (s, FALSE);
}

static void
assert_snapshot (GstElement * src, const gchar * expected, const gchar * what)
{
  gchar *now = snapshot (src);

  fail_unless (g_strcmp0 (now, expected) == 0, "%s: the properties are\n%s"
      "instead of\n%s", what, now, expected);
  g_free (now);
}

/* The environment variables the element reads, saved to be put back: the
 * suite runs with both unset (SEEDANCE_CHECK_MAIN). */
typedef struct
{
  gchar *api_key;
  gchar *base_url;
} SavedEnvironment;

static void
environment_save (SavedEnvironment * saved)
{
  saved->api_key = g_strdup (g_getenv ("MODELLIX_API_KEY"));
  saved->base_url = g_strdup (g_getenv ("MODELLIX_BASE_URL"));
}

static void
restore_variable (const gchar * name, gchar ** value)
{
  if (*value)
    g_setenv (name, *value, TRUE);
  else
    g_unsetenv (name);
  g_clear_pointer (value, g_free);
}

static void
environment_restore (SavedEnvironment * saved)
{
  restore_variable ("MODELLIX_API_KEY", &saved->api_key);
  restore_variable ("MODELLIX_BASE_URL", &saved->base_url);
}

static SeedanceTestFixture *
fixture_new_slow (void)
{
  SeedanceEmulatorConfig config;

  seedance_test_config_init (&config);
  config.generation_ms = SLOW_GENERATION_MS;

  return seedance_test_fixture_new (&config);
}

static void
fail_on_error_message (GstMessage * msg)
{
  GError *error = NULL;
  gchar *debug = NULL;

  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ERROR)
    return;
  gst_message_parse_error (msg, &error, &debug);
  fail ("unexpected error from %s: %s (%s, %d) [%s]",
      GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), error->message,
      g_quark_to_string (error->domain), error->code, GST_STR_NULL (debug));
}

/* The body of the one submission, once the emulator answered it. */
static JsonNode *
wait_submit_body (SeedanceTestFixture * f)
{
  seedance_test_fixture_wait_requests (f, "POST", SEEDANCE_TEST_SUBMIT_PATH, 1);
  return seedance_test_fixture_get_submit_body (f, NULL);
}

/* The members of a JSON object, sorted and comma-separated. */
static gchar *
json_member_names (JsonNode * body)
{
  GList *names, *l;
  GString *s = g_string_new (NULL);

  names = json_object_get_members (json_node_get_object (body));
  names = g_list_sort (names, (GCompareFunc) g_strcmp0);
  for (l = names; l; l = l->next)
    g_string_append_printf (s, "%s%s", s->len ? "," : "",
        (const gchar *) l->data);
  g_list_free (names);

  return g_string_free (s, FALSE);
}

/* ------------------------------------------------------------------------ */
/* The interface */

GST_START_TEST (test_make_from_uri)
{
  GstElement *src;
  GstElementFactory *factory;
  GError *error = NULL;

  fail_unless (gst_uri_protocol_is_supported (GST_URI_SRC, "seedance"));
  fail_if (gst_uri_protocol_is_supported (GST_URI_SINK, "seedance"));

  src = gst_element_make_from_uri (GST_URI_SRC,
      "seedance://?prompt=a%20cat&duration=5", NULL, &error);
  fail_unless (src != NULL, "no element for seedance://: %s",
      error ? error->message : "no error");
  fail_unless (error == NULL);
  factory = gst_element_get_factory (src);
  fail_unless_equals_string (GST_OBJECT_NAME (factory), "seedancesrc");

  assert_property (src, "prompt", "a cat");
  assert_property (src, "duration", "5");
  assert_uri (src, "seedance://?prompt=a%20cat&duration=5");
  gst_object_unref (src);

  /* A URI the element refuses gives no element, and its error. */
  src = gst_element_make_from_uri (GST_URI_SRC, "seedance://?duration=five",
      NULL, &error);
  fail_unless (src == NULL, "an element for a bad URI");
  fail_unless (error != NULL && error->domain == GST_URI_ERROR
      && error->code == GST_URI_ERROR_BAD_URI, "wrong error: %s",
      error ? error->message : "none");
  fail_unless (strstr (error->message, "'duration'") != NULL,
      "'%s' does not name 'duration'", error->message);
  g_clear_error (&error);
}

GST_END_TEST;

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

GST_START_TEST (test_protocols_and_type)
{
  GstElement *src;
  GstElementFactory *factory;
  const gchar *const *protocols;
  GParamSpec **pspecs;
  GPtrArray *names;
  gchar *properties;
  guint i, n;

  src = make_src ();

  protocols = gst_uri_handler_get_protocols (GST_URI_HANDLER (src));
  fail_unless (protocols != NULL);
  fail_unless_equals_int (g_strv_length ((gchar **) protocols), 1);
  fail_unless_equals_string (protocols[0], "seedance");
  fail_unless_equals_int (gst_uri_handler_get_uri_type (GST_URI_HANDLER
          (src)), GST_URI_SRC);

  /* As the registry recorded them. */
  factory = gst_element_get_factory (src);
  fail_unless_equals_int (gst_element_factory_get_uri_type (factory),
      GST_URI_SRC);
  protocols = gst_element_factory_get_uri_protocols (factory);
  fail_unless (protocols != NULL && g_strv_length ((gchar **) protocols) == 1);
  fail_unless_equals_string (protocols[0], "seedance");

  /* Nothing set: the bare scheme. */
  assert_uri (src, "seedance://");

  /* No "uri" or other property comes with the handler: the element's
   * own, api-key-file among them, are all there is. */
  fail_unless (g_object_class_find_property (G_OBJECT_GET_CLASS (src),
          "uri") == NULL, "the handler added a 'uri' property");
  properties = snapshot (src);
  g_free (properties);
  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (src), &n);
  names = g_ptr_array_new ();
  for (i = 0; i < n; i++) {
    if (pspecs[i]->owner_type == G_OBJECT_TYPE (src))
      g_ptr_array_add (names, (gpointer) pspecs[i]->name);
  }
  g_free (pspecs);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  properties = g_strjoinv (",", (gchar **) names->pdata);
  fail_unless_equals_string (properties, "api-key,api-key-file,api-url,"
      "audio-urls,cache-dir,cache-mode,cache-size,camera-fixed,duration,"
      "execution-expires-after,first-frame-image,generate-audio,"
      "last-frame-image,last-frame-location,model,poll-interval,prompt,ratio,"
      "reference-images,requests-per-minute,resolution,return-last-frame,seed,"
      "task-id,timeout");
  g_free (properties);
  g_ptr_array_unref (names);

  /* The key file is unset by default, like the key. */
  assert_property (src, "api-key-file", NULL);

  gst_object_unref (src);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Valid values */

typedef struct
{
  const gchar *uri;
  const gchar *property;
  const gchar *expected;        /* as property_to_string() gives it */
} ValueCase;

static const ValueCase value_cases[] = {
  /* The forms of an empty authority and path. */
  {"seedance://?prompt=a%20cat", "prompt", "a cat"},
  {"seedance:?prompt=a%20cat", "prompt", "a cat"},
  {"seedance:///?prompt=a%20cat", "prompt", "a cat"},
  /* Path "/" and no authority: neither a host nor another path. */
  {"seedance:/?prompt=a%20cat", "prompt", "a cat"},

  /* Strings: what a query would otherwise split on, percent-decoded. */
  {"seedance://?prompt=cats%20%26%20dogs%20%3D%20%23fun%20100%25", "prompt",
      "cats & dogs = #fun 100%"},
  /* '+' is a space, as form encoders write it; a plus is %2B. */
  {"seedance://?prompt=a+cat+surfing", "prompt", "a cat surfing"},
  {"seedance://?prompt=1%2B1%3D2", "prompt", "1+1=2"},
  {"seedance://?prompt=a%2Bb+c", "prompt", "a+b c"},
  {"seedance://?prompt=++", "prompt", "  "},
  {"seedance://?prompt=caf%C3%A9%20%E6%97%A5%E6%9C%AC%20%F0%9F%90%88",
      "prompt", "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\x88"},
  {"seedance://?prompt=caf%c3%a9", "prompt", "caf\xc3\xa9"},
  {"seedance://?prompt=a/b:c~d-e.f_g", "prompt", "a/b:c~d-e.f_g"},
  {"seedance://?first-frame-image="
        "https%3A%2F%2Fexample.com%2Fa.png%3Fv%3D1%26w%3D2",
      "first-frame-image", "https://example.com/a.png?v=1&w=2"},
  {"seedance://?first_frame_image=/tmp/first.png", "first-frame-image",
      "/tmp/first.png"},
  {"seedance://?last-frame-image=https://example.com/last.png",
      "last-frame-image", "https://example.com/last.png"},
  {"seedance://?last_frame_image=last%20frame.png", "last-frame-image",
      "last frame.png"},

  /* Lists: one item per occurrence, in order, whatever comes between. */
  {"seedance://?reference-images=a.png", "reference-images", "<a.png>"},
  {"seedance://?reference-images=a.png&reference-images=b%20b.png"
        "&reference-images=https%3A%2F%2Fe.example%2Fc.png%3Fx%3D1%26y%3D2",
        "reference-images",
      "<a.png | b b.png | https://e.example/c.png?x=1&y=2>"},
  {"seedance://?reference_images=one.png&reference-images=two.png",
      "reference-images", "<one.png | two.png>"},
  {"seedance://?audio-urls=https://e.example/1.mp3&prompt=p"
        "&audio_urls=https://e.example/2.mp3&duration=4"
        "&audio-urls=https://e.example/3.mp3", "audio-urls",
      "<https://e.example/1.mp3 | https://e.example/2.mp3 | "
        "https://e.example/3.mp3>"},

  /* Booleans in every spelling: camera-fixed is FALSE by default,
   * generate-audio TRUE, so each case changes the value. */
  {"seedance://?camera-fixed=true", "camera-fixed", "true"},
  {"seedance://?camera-fixed=TRUE", "camera-fixed", "true"},
  {"seedance://?camera-fixed=True", "camera-fixed", "true"},
  {"seedance://?camera-fixed=tRuE", "camera-fixed", "true"},
  {"seedance://?camera-fixed=yes", "camera-fixed", "true"},
  {"seedance://?camera-fixed=YES", "camera-fixed", "true"},
  {"seedance://?camera-fixed=Yes", "camera-fixed", "true"},
  {"seedance://?camera-fixed=1", "camera-fixed", "true"},
  {"seedance://?camera_fixed=yes", "camera-fixed", "true"},
  {"seedance://?camera-fixed=false", "camera-fixed", "false"},
  {"seedance://?generate-audio=false", "generate-audio", "false"},
  {"seedance://?generate-audio=FALSE", "generate-audio", "false"},
  {"seedance://?generate-audio=False", "generate-audio", "false"},
  {"seedance://?generate-audio=fAlSe", "generate-audio", "false"},
  {"seedance://?generate-audio=no", "generate-audio", "false"},
  {"seedance://?generate-audio=NO", "generate-audio", "false"},
  {"seedance://?generate-audio=No", "generate-audio", "false"},
  {"seedance://?generate-audio=0", "generate-audio", "false"},
  {"seedance://?generate_audio=0", "generate-audio", "false"},
  {"seedance://?generate-audio=true", "generate-audio", "true"},
  {"seedance://?return-last-frame=Yes", "return-last-frame", "true"},
  {"seedance://?return_last_frame=1", "return-last-frame", "true"},

  /* Integers at both ends of their ranges. */
  {"seedance://?duration=4", "duration", "4"},
  {"seedance://?duration=15", "duration", "15"},
  {"seedance://?duration=10", "duration", "10"},
  {"seedance://?execution-expires-after=3600", "execution-expires-after",
      "3600"},
  {"seedance://?execution-expires-after=259200", "execution-expires-after",
      "259200"},
  {"seedance://?execution_expires_after=7200", "execution-expires-after",
      "7200"},
  {"seedance://?seed=-1", "seed", "-1"},
  {"seedance://?seed=0", "seed", "0"},
  {"seedance://?seed=4294967295", "seed", "4294967295"},
  {"seedance://?poll-interval=1000", "poll-interval", "1000"},
  {"seedance://?poll_interval=2147483", "poll-interval", "2147483"},
  {"seedance://?timeout=0", "timeout", "0"},
  {"seedance://?timeout=2147483", "timeout", "2147483"},

  /* Out of range but of the property's C type: taken as given, for start()
   * to refuse with an error naming the property (elements/ranges), which
   * uridecodebin and playbin pass on, where a refused URI would only give
   * their "no element handles it" error. */
  {"seedance://?duration=3", "duration", "3"},
  {"seedance://?duration=16", "duration", "16"},
  {"seedance://?duration=-2147483648", "duration", "-2147483648"},
  {"seedance://?execution-expires-after=3599", "execution-expires-after",
      "3599"},
  {"seedance://?execution_expires_after=259201", "execution-expires-after",
      "259201"},
  {"seedance://?seed=-2", "seed", "-2"},
  {"seedance://?seed=4294967296", "seed", "4294967296"},
  {"seedance://?poll-interval=4294967295", "poll-interval", "4294967295"},
  {"seedance://?timeout=2147484", "timeout", "2147484"},

  /* Enums by nick, the ':' plain or encoded. */
  {"seedance://?ratio=21:9", "ratio", "21:9"},
  {"seedance://?ratio=16%3A9", "ratio", "16:9"},
  {"seedance://?ratio=4:3", "ratio", "4:3"},
  {"seedance://?ratio=1:1", "ratio", "1:1"},
  {"seedance://?ratio=3:4", "ratio", "3:4"},
  {"seedance://?ratio=9:16", "ratio", "9:16"},
  {"seedance://?resolution=480p", "resolution", "480p"},
  {"seedance://?resolution=720p", "resolution", "720p"},

  /* Connection properties a URI may set: the task to resume, how often
   * and how long to wait for it. */
  {"seedance://?task-id=task-123", "task-id", "task-123"},
  {"seedance://?task_id=abc_def", "task-id", "abc_def"},
  /* Task ids are checked at start(), not here. */
  {"seedance://?task-id=t%2F1", "task-id", "t/1"},
};

GST_START_TEST (test_value)
{
  const ValueCase *c = &value_cases[__i__];
  GstElement *src;

  GST_INFO ("value case: %s", c->uri);

  src = make_src ();
  assert_set_uri (src, c->uri);
  assert_property (src, c->property, c->expected);
  gst_object_unref (src);
}

GST_END_TEST;

/* Several keys at once, each set. */
GST_START_TEST (test_many_values)
{
  GstElement *src;

  src = make_src ();
  assert_set_uri (src, "seedance://?prompt=p%20q&first-frame-image=f.png"
      "&last_frame_image=l.png&camera-fixed=yes&duration=15"
      "&execution-expires-after=3600&generate-audio=No&ratio=9:16"
      "&resolution=480p&return-last-frame=1&seed=4294967295"
      "&task-id=t1&poll-interval=1000&timeout=0");

  assert_property (src, "prompt", "p q");
  assert_property (src, "first-frame-image", "f.png");
  assert_property (src, "last-frame-image", "l.png");
  assert_property (src, "reference-images", "<>");
  assert_property (src, "audio-urls", "<>");
  assert_property (src, "camera-fixed", "true");
  assert_property (src, "duration", "15");
  assert_property (src, "execution-expires-after", "3600");
  assert_property (src, "generate-audio", "false");
  assert_property (src, "ratio", "9:16");
  assert_property (src, "resolution", "480p");
  assert_property (src, "return-last-frame", "true");
  assert_property (src, "seed", "4294967295");
  assert_property (src, "task-id", "t1");
  assert_property (src, "poll-interval", "1000");
  assert_property (src, "timeout", "0");

  gst_object_unref (src);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Refused URIs */

typedef struct
{
  const gchar *uri;
  /* What the message must contain; NULL-terminated. */
  const gchar *names[8];
} BadUriCase;

static const BadUriCase bad_uri_cases[] = {
  /* Unknown keys. */
  {"seedance://?colour=red", {"'colour'", NULL}},
  {"seedance://?prompt=a&colour=red", {"'colour'", NULL}},
  {"seedance://?Prompt=a", {"'Prompt'", NULL}},
  {"seedance://?blocksize=4096", {"'blocksize'", NULL}},

  /* Integers that are not, or do not fit the property's C type: the key
   * and the range allowed. (Other numbers out of range are taken, for
   * start() to refuse: see value_cases.) */
  {"seedance://?duration=five", {"'duration'", "4 to 15", NULL}},
  {"seedance://?duration=5.5", {"'duration'", "4 to 15", NULL}},
  {"seedance://?duration=5x", {"'duration'", "4 to 15", NULL}},
  {"seedance://?duration=", {"'duration'", "4 to 15", NULL}},
  {"seedance://?duration=4294967300", {"'duration'", "4 to 15", NULL}},
  {"seedance://?duration=2147483648", {"'duration'", "4 to 15", NULL}},
  {"seedance://?duration=-2147483649", {"'duration'", "4 to 15", NULL}},
  {"seedance://?execution-expires-after=3600s",
      {"'execution-expires-after'", "3600 to 259200", NULL}},
  /* Named in either spelling. */
  {"seedance://?execution_expires_after=1e4", {"'execution",
          "3600 to 259200", NULL}},
  {"seedance://?seed=9223372036854775808", {"'seed'",
          "-1 to 4294967295", NULL}},
  {"seedance://?seed=99999999999999999999999", {"'seed'", NULL}},
  {"seedance://?seed=0x10", {"'seed'", NULL}},
  /* A link may not spend the key's request budget: below a second, a
   * poll-interval is refused in a URI whatever the element allows. */
  {"seedance://?poll-interval=9", {"'poll-interval'", "1000 ms or more",
          NULL}},
  {"seedance://?poll-interval=999", {"'poll-interval'", "1000 ms or more",
          NULL}},
  {"seedance://?poll-interval=-10", {"'poll-interval'", "10 to 2147483",
          NULL}},
  {"seedance://?poll-interval=4294967296", {"'poll-interval'", NULL}},
  {"seedance://?timeout=-1", {"'timeout'", "0 to 2147483", NULL}},
  {"seedance://?timeout=4294967296", {"'timeout'", NULL}},

  /* Booleans: the key and the spellings allowed. */
  {"seedance://?camera-fixed=maybe", {"'camera-fixed'", "true", "false",
          NULL}},
  {"seedance://?generate-audio=2", {"'generate-audio'", "true", "false",
          NULL}},
  {"seedance://?return-last-frame=", {"'return-last-frame'", "true",
          "false", NULL}},
  {"seedance://?camera-fixed=on", {"'camera-fixed'", NULL}},

  /* Enums: the key and every nick. */
  {"seedance://?ratio=2:1", {"'ratio'", "21:9", "16:9", "4:3", "1:1", "3:4",
          "9:16", NULL}},
  {"seedance://?ratio=16x9", {"'ratio'", "21:9", "16:9", "4:3", "1:1",
          "3:4", "9:16", NULL}},
  {"seedance://?ratio=", {"'ratio'", NULL}},
  {"seedance://?resolution=1080p", {"'resolution'", "480p", "720p", NULL}},

  /* A key that is no list, twice (in either spelling). */
  {"seedance://?prompt=a&prompt=b", {"'prompt'", NULL}},
  {"seedance://?duration=5&duration=5", {"'duration'", NULL}},
  {"seedance://?first_frame_image=a.png&first-frame-image=b.png",
      {"'first", NULL}},
  {"seedance://?task-id=a&task_id=a", {"'task-id'", NULL}},

  /* A key without '=' is no flag: refused, named. */
  {"seedance://?prompt", {"'prompt'", NULL}},
  {"seedance://?prompt=a&camera-fixed", {"'camera-fixed'", NULL}},
  {"seedance://?reference-images", {"'reference-images'", NULL}},

  /* An empty key. */
  {"seedance://?=5", {NULL}},
  {"seedance://?prompt=a&=b", {NULL}},

  /* Bad percent-encoding, in the value of a known key. */
  {"seedance://?prompt=100%zz", {"'prompt'", NULL}},
  {"seedance://?prompt=100%", {"'prompt'", NULL}},
  {"seedance://?prompt=%4", {"'prompt'", NULL}},

  /* Anything in the authority, a path, a fragment. */
  {"seedance://example.com?prompt=a", {NULL}},
  {"seedance://example.com/?prompt=a", {NULL}},
  {"seedance://user@?prompt=a", {NULL}},
  {"seedance://:80?prompt=a", {NULL}},
  {"seedance:///clip?prompt=a", {NULL}},
  {"seedance://?prompt=a#frag", {NULL}},
  {"seedance:clip?prompt=a", {NULL}},
  {"seedance:clip", {NULL}},
};

/* A good URI, and what the application set on the element besides. */
#define GOOD_URI "seedance://?prompt=good&duration=7&ratio=4:3" \
    "&reference-images=g1.png&reference-images=g2.png&task-id=task-good" \
    "&poll-interval=7000&timeout=60"

/* Sets the application's settings and GOOD_URI on @src, then @uri: fails
 * unless @uri is refused with BAD_URI and not one property, nor the URI,
 * changed. Returns the error. */
static GError *
assert_refused_after_good_uri (GstElement * src, const gchar * uri)
{
  gchar *before, *uri_before;
  GError *error;

  set_element_settings (src);
  assert_set_uri (src, GOOD_URI);
  before = snapshot (src);
  uri_before = get_uri (src);

  error = assert_set_uri_fails (src, uri, GST_URI_ERROR_BAD_URI);
  assert_snapshot (src, before, uri);
  assert_uri (src, uri_before);

  g_free (uri_before);
  g_free (before);
  return error;
}

/* Refused with BAD_URI, the message naming the key, and not one property
 * changed from those of a good URI set before and of the element. */
GST_START_TEST (test_bad_uri)
{
  const BadUriCase *c = &bad_uri_cases[__i__];
  GstElement *src;
  GError *error;
  guint i;

  GST_INFO ("bad URI case: %s", c->uri);

  src = make_src ();
  error = assert_refused_after_good_uri (src, c->uri);
  for (i = 0; c->names[i]; i++)
    fail_unless (strstr (error->message, c->names[i]) != NULL,
        "'%s': the message '%s' does not name '%s'", c->uri, error->message,
        c->names[i]);
  g_error_free (error);

  gst_object_unref (src);
}

GST_END_TEST;

/* Keys a URI may not have: where the key goes (api-url, model) and where
 * files go (cache-*), and the key itself or its file; in either spelling,
 * with or without a value, valid or not, at their default or not, first or
 * after good keys. */
typedef struct
{
  const gchar *uri;
  const gchar *name;            /* the property the message names */
} RefusedKeyCase;

static const RefusedKeyCase refused_key_cases[] = {
  {"seedance://?api-key=sk-other", "api-key"},
  {"seedance://?prompt=p&api_key=sk-other", "api-key"},
  {"seedance://?api-key-file=%2Ftmp%2Fother-key", "api-key-file"},
  {"seedance://?prompt=p&api_key_file=/tmp/other-key", "api-key-file"},
  {"seedance://?api-key-file=", "api-key-file"},
  {"seedance://?api-url=http://127.0.0.1:1234", "api-url"},
  {"seedance://?api_url=https%3A%2F%2Fapi.example.com", "api-url"},
  {"seedance://?prompt=p&duration=4&api-url=http%3A%2F%2F127.0.0.1%3A9",
      "api-url"},
  /* The default origin is no more allowed than another. */
  {"seedance://?api-url=" DEFAULT_API_URL, "api-url"},
  {"seedance://?api-url", "api-url"},
  {"seedance://?api-url=", "api-url"},
  {"seedance://?api-url=ftp://evil.example", "api-url"},
  {"seedance://?model=acme%2Fmodel-x", "model"},
  {"seedance://?prompt=p&model=acme/model-y", "model"},
  {"seedance://?model=" SEEDANCE_TEST_DEFAULT_MODEL, "model"},
  {"seedance://?model=a/b&model=a/b", "model"},
  {"seedance://?model", "model"},
  {"seedance://?cache-mode=off", "cache-mode"},
  {"seedance://?cache_mode=resume", "cache-mode"},
  {"seedance://?cache-mode=sometimes", "cache-mode"},
  {"seedance://?cache-dir=%2Ftmp%2Fclips%20here", "cache-dir"},
  {"seedance://?prompt=p&cache_dir=/tmp/x", "cache-dir"},
  {"seedance://?cache-dir=", "cache-dir"},
  {"seedance://?cache-size=0", "cache-size"},
  {"seedance://?cache_size=2147483647", "cache-size"},
  {"seedance://?cache-size=-1", "cache-size"},
  {"seedance://?cache-size", "cache-size"},
  {"seedance://?last-frame-location=%2Ftmp%2Flast.png", "last-frame-location"},
  {"seedance://?prompt=p&return_last_frame=true&last_frame_location=x.png",
      "last-frame-location"},
  {"seedance://?last-frame-location=", "last-frame-location"},
  {"seedance://?requests-per-minute=0", "requests-per-minute"},
  {"seedance://?prompt=p&requests_per_minute=100000", "requests-per-minute"},
  /* Refused whatever else is wrong after it. */
  {"seedance://?cache-dir=/tmp/x&colour=red", "cache-dir"},
};

/* Refused with BAD_URI, the message naming the property and why, and not
 * one property changed: neither those of the good URI set before nor those
 * the application set on the element. */
GST_START_TEST (test_refused_key)
{
  const RefusedKeyCase *c = &refused_key_cases[__i__];
  GstElement *src;
  GError *error;
  gchar *before, *quoted;
  gboolean is_key;

  GST_INFO ("refused key case: %s", c->uri);

  src = make_src ();
  error = assert_refused_after_good_uri (src, c->uri);
  fail_unless (g_str_has_prefix (error->message, "Invalid seedance URI: "),
      "'%s': %s", c->uri, error->message);
  quoted = g_strdup_printf ("'%s'", c->name);
  fail_unless (strstr (error->message, quoted) != NULL,
      "'%s': the message '%s' does not name %s", c->uri, error->message,
      quoted);
  is_key = g_str_has_prefix (c->name, "api-key");
  if (is_key) {
    fail_unless (strstr (error->message, "must not be in a URI") != NULL
        && strstr (error->message, "MODELLIX_API_KEY") != NULL,
        "'%s': %s", c->uri, error->message);
  } else {
    gchar *hint = g_strdup_printf ("set '%s' on the element", c->name);

    fail_unless (strstr (error->message, "is not allowed in a URI") != NULL,
        "'%s': %s", c->uri, error->message);
    fail_unless (strstr (error->message, hint) != NULL,
        "'%s': the message '%s' does not say to %s", c->uri, error->message,
        hint);
    g_free (hint);
  }
  fail_if (strstr (error->message, "sk-other") != NULL,
      "the message shows the key: %s", error->message);
  g_free (quoted);
  g_error_free (error);

  assert_element_settings (src);
  assert_property (src, "prompt", "good");
  assert_property (src, "task-id", "task-good");
  assert_property (src, "poll-interval", "7000");
  assert_property (src, "timeout", "60");

  /* A fresh element refuses it just the same, and stays new. */
  gst_object_unref (src);
  src = make_src ();
  before = snapshot (src);
  error = assert_set_uri_fails (src, c->uri, GST_URI_ERROR_BAD_URI);
  g_error_free (error);
  assert_snapshot (src, before, c->uri);
  assert_uri (src, "seedance://");

  g_free (before);
  gst_object_unref (src);
}

GST_END_TEST;

/* gst_element_make_from_uri(), as the URI-handling bins call it, makes no
 * element of a URI that names an origin, and says why. */
GST_START_TEST (test_make_from_uri_refused_key)
{
  const RefusedKeyCase *c = &refused_key_cases[__i__];
  GstElement *src;
  GError *error = NULL;
  gchar *quoted;

  src = gst_element_make_from_uri (GST_URI_SRC, c->uri, NULL, &error);
  fail_unless (src == NULL, "an element for '%s'", c->uri);
  fail_unless (error != NULL && error->domain == GST_URI_ERROR
      && error->code == GST_URI_ERROR_BAD_URI, "'%s': wrong error: %s",
      c->uri, error ? error->message : "none");
  quoted = g_strdup_printf ("'%s'", c->name);
  fail_unless (strstr (error->message, quoted) != NULL,
      "'%s': the message '%s' does not name %s", c->uri, error->message,
      quoted);
  g_free (quoted);
  g_clear_error (&error);
}

GST_END_TEST;

/* A refused URI's message quotes the decoded key or value, which may be
 * any bytes: the message stays UTF-8 (found by fuzz/fuzz-uri.c). */
GST_START_TEST (test_bad_uri_message_utf8)
{
  static const struct
  {
    const gchar *uri;
    const gchar *name;
  } cases[] = {
    {"seedance://?p\xe9rompt=x", "unknown key"},
    {"seedance://?%FFprompt=x", "unknown key"},
    {"seedance://?duration=%FF", "'duration'"},
    {"seedance://?ratio=%E9", "'ratio'"},
    {"seedance://?camera-fixed=%C3", "'camera-fixed'"},
  };
  GstElement *src = make_src ();
  GError *error;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    error = assert_set_uri_fails (src, cases[i].uri, GST_URI_ERROR_BAD_URI);
    fail_unless (g_utf8_validate (error->message, -1, NULL),
        "'%s': the message is not UTF-8", cases[i].uri);
    fail_unless (strstr (error->message, cases[i].name) != NULL,
        "'%s': the message '%s' does not name %s", cases[i].uri,
        error->message, cases[i].name);
    g_error_free (error);
  }
  gst_object_unref (src);
}

GST_END_TEST;

/* Other schemes are refused by the handler (GstURIHandler checks the
 * protocol before the element sees the URI). */
GST_START_TEST (test_wrong_scheme)
{
  const gchar *uris[] = { "http://?prompt=a", "seedancex://?prompt=a",
    "file:///tmp/a.mp4"
  };
  GstElement *src;
  GError *error = NULL;
  gchar *before;
  guint i;

  src = make_src ();
  assert_set_uri (src, "seedance://?prompt=good");
  before = snapshot (src);

  for (i = 0; i < G_N_ELEMENTS (uris); i++) {
    fail_if (gst_uri_handler_set_uri (GST_URI_HANDLER (src), uris[i],
            &error), "'%s' was accepted", uris[i]);
    fail_unless (error != NULL && error->domain == GST_URI_ERROR
        && (error->code == GST_URI_ERROR_UNSUPPORTED_PROTOCOL
            || error->code == GST_URI_ERROR_BAD_URI),
        "'%s': wrong error %s", uris[i], error ? error->message : "(none)");
    g_clear_error (&error);
    assert_snapshot (src, before, uris[i]);
  }

  g_free (before);
  gst_object_unref (src);
}

GST_END_TEST;

/* What the debug log received while watched. */
typedef struct
{
  GMutex lock;
  const gchar *secret;
  guint n_lines;
  guint n_leaks;
  gchar *first_leak;
} LogWatch;

static LogWatch log_watch;

static void
log_watch_func (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  gchar *text;

  text = gst_debug_log_get_line (category, level, file, function, line,
      object, message);
  g_mutex_lock (&log_watch.lock);
  log_watch.n_lines++;
  if (strstr (text, log_watch.secret) && log_watch.n_leaks++ == 0)
    log_watch.first_leak = g_strdup (text);
  g_mutex_unlock (&log_watch.lock);
  g_free (text);
}

static const gchar *api_key_uris[] = {
  "seedance://?api-key=sk-live-SECRET0123456789",
  "seedance://?prompt=a&api_key=sk-live-SECRET0123456789",
  "seedance://?api-key=sk-live-%53ECRET0123456789&duration=5",
  "seedance://?api%2Dkey=sk-live-SECRET0123456789",
  "seedance://?api-key=",
  /* Not "write api-key=value": that is refused too. */
  "seedance://?api-key",
  /* Nor a file to read it from, whatever its name says. */
  "seedance://?api-key-file=/tmp/SECRET0123456789",
  "seedance://?prompt=a&api_key_file=%2Ftmp%2FSECRET0123456789",
};

/* A key in a URI is refused, pointing to the property and the variable,
 * without showing the value in the message or the element's log; the key
 * set on the element stays. (make_from_uri and uridecodebin log whole URIs
 * themselves: the element cannot help that.) */
GST_START_TEST (test_api_key_refused)
{
  const gchar *uri = api_key_uris[__i__];
  GstElement *src;
  GstDebugLevel old_threshold;
  GError *error = NULL;
  gboolean removed_default, ok;
  gchar *before;

  src = make_src ();
  g_object_set (src, "api-key", ELEMENT_KEY, NULL);
  assert_set_uri (src, "seedance://?prompt=good");
  before = snapshot (src);

  /* Only around the call, so that a failed check cannot leave the whole
   * log on for the next tests (CK_FORK=no). */
  log_watch.secret = "SECRET0123456789";
  log_watch.n_lines = log_watch.n_leaks = 0;
  old_threshold = gst_debug_get_default_threshold ();
  removed_default = gst_debug_remove_log_function (gst_debug_log_default) > 0;
  gst_debug_add_log_function (log_watch_func, NULL, NULL);
  gst_debug_set_active (TRUE);
  gst_debug_set_default_threshold (GST_LEVEL_MEMDUMP);
  /* Proves that the watch sees the log. */
  GST_INFO ("watching the log for the key");
  ok = gst_uri_handler_set_uri (GST_URI_HANDLER (src), uri, &error);
  gst_debug_set_default_threshold (old_threshold);
  gst_debug_remove_log_function (log_watch_func);
  if (removed_default)
    gst_debug_add_log_function (gst_debug_log_default, NULL, NULL);

  fail_if (ok, "'%s' was accepted", uri);
  fail_unless (error != NULL && error->domain == GST_URI_ERROR
      && error->code == GST_URI_ERROR_BAD_URI, "'%s': wrong error: %s", uri,
      error ? error->message : "(none)");
  fail_unless (strstr (error->message, "api-key") != NULL
      || strstr (error->message, "api_key") != NULL,
      "'%s' does not name api-key", error->message);
  fail_unless (strstr (error->message, "MODELLIX_API_KEY") != NULL,
      "'%s' does not point to MODELLIX_API_KEY", error->message);
  fail_if (strstr (error->message, "SECRET") != NULL
      || strstr (error->message, "sk-live") != NULL,
      "the message shows the key: %s", error->message);
  g_error_free (error);

  g_mutex_lock (&log_watch.lock);
  fail_unless (log_watch.n_lines > 0, "the log watch saw nothing");
  fail_unless (log_watch.n_leaks == 0, "%u log lines show the key, the "
      "first: %s", log_watch.n_leaks, GST_STR_NULL (log_watch.first_leak));
  g_clear_pointer (&log_watch.first_leak, g_free);
  g_mutex_unlock (&log_watch.lock);

  assert_snapshot (src, before, uri);
  assert_property (src, "api-key", "***");
  g_free (before);
  gst_object_unref (src);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* A URI is the whole request */

/* The good URI's values stay after a bad one, wherever the fault is. */
GST_START_TEST (test_atomic)
{
  const gchar *bad[] = {
    /* Everything changes until the last key fails. */
    "seedance://?prompt=bad&duration=9&reference-images=b1.png"
        "&reference-images=b2.png&audio-urls=https://e.example/b.mp3"
        "&camera-fixed=true&task-id=bad&poll-interval=9900"
        "&timeout=5&seed=oops",
    /* ...or until a key no URI may have. */
    "seedance://?prompt=bad&duration=9&task-id=bad&timeout=5&api-url=x",
    "seedance://?prompt=bad&duration=9&cache-dir=/tmp/bad",
    /* The first key fails, no reset happens either. */
    "seedance://?seed=oops&prompt=bad",
    "seedance://?model=acme/bad&prompt=bad",
    /* A valid query in an invalid URI. */
    "seedance://?prompt=bad&duration=9#x",
    "seedance://host?prompt=bad",
    "seedance://?prompt=bad&api-key=sk-other",
  };
  GstElement *src;
  gchar *before, *uri_before;
  guint i;

  src = make_src ();
  set_element_settings (src);
  assert_set_uri (src, "seedance://?prompt=good&duration=7"
      "&reference-images=g1.png&generate-audio=false&task-id=task-good"
      "&poll-interval=7700");
  before = snapshot (src);
  uri_before = get_uri (src);

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    GError *error = assert_set_uri_fails (src, bad[i],
        GST_URI_ERROR_BAD_URI);

    g_error_free (error);
    assert_snapshot (src, before, bad[i]);
    assert_uri (src, uri_before);
  }

  assert_property (src, "prompt", "good");
  assert_property (src, "duration", "7");
  assert_property (src, "reference-images", "<g1.png>");
  assert_property (src, "generate-audio", "false");
  assert_property (src, "task-id", "task-good");
  assert_property (src, "poll-interval", "7700");
  assert_element_settings (src);

  g_free (uri_before);
  g_free (before);
  gst_object_unref (src);
}

GST_END_TEST;

#define RICH_URI "seedance://?prompt=rich&first-frame-image=f.png" \
    "&last-frame-image=l.png&reference-images=r1.png" \
    "&reference-images=r2.png&audio-urls=https://e.example/a.mp3" \
    "&camera-fixed=true&duration=15&execution-expires-after=3600" \
    "&generate-audio=false&ratio=21:9&resolution=480p" \
    "&return-last-frame=true&seed=42&task-id=task-rich" \
    "&poll-interval=1000&timeout=0"

/* What the URI does not name goes back to the default; the key stays. */
GST_START_TEST (test_reset_to_defaults)
{
  GstElement *src, *reference;
  gchar *expected;

  src = make_src ();
  g_object_set (src, "api-key", ELEMENT_KEY, NULL);
  assert_set_uri (src, RICH_URI);
  assert_property (src, "ratio", "21:9");

  assert_set_uri (src, "seedance://?prompt=only");

  /* A new element given the same key and prompt by hand. */
  reference = make_src ();
  g_object_set (reference, "api-key", ELEMENT_KEY, "prompt", "only", NULL);
  expected = snapshot (reference);
  assert_snapshot (src, expected, "after seedance://?prompt=only");
  g_free (expected);
  assert_uri (src, "seedance://?prompt=only");

  /* Spot checks of the defaults, should the reference be wrong too. */
  assert_property (src, "first-frame-image", NULL);
  assert_property (src, "reference-images", "<>");
  assert_property (src, "audio-urls", "<>");
  assert_property (src, "camera-fixed", "false");
  assert_property (src, "duration", "5");
  assert_property (src, "execution-expires-after", "172800");
  assert_property (src, "generate-audio", "true");
  assert_property (src, "ratio", "1:1");
  assert_property (src, "resolution", "720p");
  assert_property (src, "seed", "-1");
  assert_property (src, "model", SEEDANCE_TEST_DEFAULT_MODEL);
  assert_property (src, "task-id", NULL);
  assert_property (src, "poll-interval", "2000");
  assert_property (src, "timeout", "1800");
  assert_property (src, "api-url", DEFAULT_API_URL);
  assert_property (src, "api-key", "***");
  assert_property (src, "api-key-file", NULL);
  assert_property (src, "cache-mode", "reuse");
  assert_property (src, "cache-dir", NULL);
  assert_property (src, "cache-size", "4096");
  assert_property (src, "last-frame-location", NULL);

  /* The bare scheme resets everything but the key. */
  assert_set_uri (src, RICH_URI);
  assert_set_uri (src, "seedance://");
  g_object_set (reference, "prompt", NULL, NULL);
  expected = snapshot (reference);
  assert_snapshot (src, expected, "after seedance://");
  g_free (expected);
  assert_uri (src, "seedance://");
  assert_property (src, "prompt", NULL);

  gst_object_unref (reference);
  gst_object_unref (src);
}

GST_END_TEST;

/* set_uri() resets only what a URI may name: the key, its file, its
 * origin, the model and the cache stay as the application set them,
 * through a rich URI, a smaller one, the bare scheme and a refused one. */
GST_START_TEST (test_set_uri_keeps_element_settings)
{
  const gchar *uris[] = { RICH_URI, "seedance://?prompt=only",
    "seedance://?task-id=t%2F1&timeout=0", "seedance://"
  };
  GstElement *src, *reference;
  GError *error;
  gchar *expected;
  guint i;

  src = make_src ();
  set_element_settings (src);
  assert_element_settings (src);

  for (i = 0; i < G_N_ELEMENTS (uris); i++) {
    assert_set_uri (src, uris[i]);
    assert_element_settings (src);
  }

  /* Exactly a new element given the same settings by hand. */
  reference = make_src ();
  set_element_settings (reference);
  expected = snapshot (reference);
  assert_snapshot (src, expected, "after seedance://");
  g_free (expected);
  assert_uri (src, "seedance://");

  /* Set again after a URI, they stay through the next one. */
  g_object_set (src, "api-url", "http://127.0.0.1:5678", "model", "acme/two",
      "cache-dir", "/tmp/two", "cache-size", (guint) 0, NULL);
  gst_util_set_object_arg (G_OBJECT (src), "cache-mode", "off");
  assert_set_uri (src, "seedance://?prompt=again&poll-interval=1000");
  assert_property (src, "api-url", "http://127.0.0.1:5678");
  assert_property (src, "model", "acme/two");
  assert_property (src, "cache-dir", "/tmp/two");
  assert_property (src, "cache-size", "0");
  assert_property (src, "cache-mode", "off");
  assert_property (src, "api-key", "***");
  assert_property (src, "api-key-file", ELEMENT_KEY_FILE);
  assert_property (src, "prompt", "again");
  assert_property (src, "poll-interval", "1000");

  /* A URI that tries to change one changes none. */
  error = assert_set_uri_fails (src, "seedance://?prompt=p&model=acme/three",
      GST_URI_ERROR_BAD_URI);
  g_error_free (error);
  assert_property (src, "model", "acme/two");
  assert_property (src, "prompt", "again");

  gst_object_unref (reference);
  gst_object_unref (src);
}

GST_END_TEST;

/* api-url from MODELLIX_BASE_URL and a key from MODELLIX_API_KEY stay
 * like ones set on the element; neither is in the URI, and no URI can
 * replace them. */
GST_START_TEST (test_api_url_from_environment_kept)
{
  SavedEnvironment saved;
  GstElement *src;
  GError *error;

  environment_save (&saved);
  g_setenv ("MODELLIX_BASE_URL", "http://127.0.0.1:9", TRUE);
  g_setenv ("MODELLIX_API_KEY", ELEMENT_KEY, TRUE);

  src = make_src ();
  assert_property (src, "api-url", "http://127.0.0.1:9");
  assert_property (src, "api-key", "***");
  assert_uri (src, "seedance://");

  assert_set_uri (src, "seedance://?prompt=p");
  assert_property (src, "api-url", "http://127.0.0.1:9");
  assert_property (src, "api-key", "***");
  assert_uri (src, "seedance://?prompt=p");

  error = assert_set_uri_fails (src, "seedance://?prompt=q"
      "&api-url=http://127.0.0.1:7", GST_URI_ERROR_BAD_URI);
  g_error_free (error);
  assert_property (src, "api-url", "http://127.0.0.1:9");
  assert_property (src, "prompt", "p");

  /* One the application set wins over the variable, through a URI. */
  g_object_set (src, "api-url", "http://127.0.0.1:7", NULL);
  assert_set_uri (src, "seedance://?prompt=p");
  assert_property (src, "api-url", "http://127.0.0.1:7");
  assert_uri (src, "seedance://?prompt=p");

  /* The built-in default set by hand is not in the URI either. */
  g_object_set (src, "api-url", DEFAULT_API_URL, NULL);
  assert_set_uri (src, "seedance://");
  assert_property (src, "api-url", DEFAULT_API_URL);
  assert_uri (src, "seedance://");

  gst_object_unref (src);
  environment_restore (&saved);

  /* Without the variables, the built-in default and no key. */
  src = make_src ();
  assert_set_uri (src, "seedance://?prompt=p");
  assert_property (src, "api-url", DEFAULT_API_URL);
  assert_property (src, "api-key", NULL);
  gst_object_unref (src);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* The canonical URI */

typedef struct
{
  const gchar *uri;
  const gchar *canonical;
} CanonicalCase;

static const CanonicalCase canonical_cases[] = {
  {"seedance://", "seedance://"},
  {"seedance:?prompt=a%20cat&duration=5",
      "seedance://?prompt=a%20cat&duration=5"},
  /* '+' is a space; a plus is written %2B. */
  {"seedance:///?duration=5&prompt=a+cat",
      "seedance://?prompt=a%20cat&duration=5"},
  {"seedance://?prompt=1%2B1", "seedance://?prompt=1%2B1"},
  /* Schema order, hyphen spelling, true/false, nicks. */
  {"seedance://?seed=7&return_last_frame=YES&resolution=480p&ratio=16%3a9"
        "&generate-audio=no&execution-expires-after=3600&duration=15"
        "&camera-fixed=1&audio-urls=https://a.example/x.mp3"
        "&reference-images=r.png&last-frame-image=l.png"
        "&first_frame_image=f.png&prompt=p",
      "seedance://?prompt=p&first-frame-image=f.png&last-frame-image=l.png"
        "&reference-images=r.png&audio-urls=https://a.example/x.mp3"
        "&camera-fixed=true&duration=15&execution-expires-after=3600"
        "&generate-audio=false&ratio=16:9&resolution=480p"
        "&return-last-frame=true&seed=7"},
  /* A request field named with its default value is still sent. */
  {"seedance://?seed=-1&ratio=1:1&generate-audio=true&duration=5",
      "seedance://?duration=5&generate-audio=true&ratio=1:1&seed=-1"},
  /* Connection properties after the request, in the order task-id,
   * poll-interval, timeout. */
  {"seedance://?timeout=0&poll_interval=1000&task_id=t%2F1&prompt=p",
      "seedance://?prompt=p&task-id=t/1&poll-interval=1000&timeout=0"},
  {"seedance://?timeout=60&task-id=task-1",
      "seedance://?task-id=task-1&timeout=60"},
  /* ...only when they differ from their defaults. */
  {"seedance://?poll-interval=2000&timeout=1800&prompt=p",
      "seedance://?prompt=p"},
  /* Lists as repeated keys, lists in schema order. */
  {"seedance://?audio-urls=https://a.example/1.mp3&reference-images=r1.png"
        "&audio_urls=https%3A%2F%2Fa.example%2F2.mp3%3Fx%3D1%26y%3D2"
        "&reference-images=dir%2Fr2.png",
      "seedance://?reference-images=r1.png&reference-images=dir/r2.png"
        "&audio-urls=https://a.example/1.mp3"
        "&audio-urls=https://a.example/2.mp3%3Fx%3D1%26y%3D2"},
  /* Only unreserved characters, ':' and '/' stay; hex digits in upper case
   * (RFC 3986, 2.1), whatever the input used. */
  {"seedance://?prompt=%21%22%23%24%25%26%27%28%29%2A%2B%2C%3B%3D%3F%40"
        "%5B%5D%20~-._:/AZaz09",
      "seedance://?prompt=%21%22%23%24%25%26%27%28%29%2A%2B%2C%3B%3D%3F%40"
        "%5B%5D%20~-._:/AZaz09"},
  {"seedance://?prompt=caf%c3%a9%20%E6%97%A5%E6%9C%AC%20%F0%9F%90%88",
      "seedance://?prompt=caf%C3%A9%20%E6%97%A5%E6%9C%AC%20%F0%9F%90%88"},
  {"seedance://?prompt=%7E%2D%2E%5F%3A%2F",
      "seedance://?prompt=~-._:/"},
};

GST_START_TEST (test_canonical)
{
  const CanonicalCase *c = &canonical_cases[__i__];
  GstElement *src;
  gchar *before;

  GST_INFO ("canonical case: %s", c->uri);

  src = make_src ();
  assert_set_uri (src, c->uri);
  assert_uri (src, c->canonical);

  /* The canonical form means the same. */
  before = snapshot (src);
  assert_set_uri (src, c->canonical);
  assert_snapshot (src, before, c->canonical);
  assert_uri (src, c->canonical);

  g_free (before);
  gst_object_unref (src);
}

GST_END_TEST;

/* Properties set by hand appear just the same; the key never does. */
GST_START_TEST (test_canonical_from_properties)
{
  const gchar *const refs[] = { "a b.png", "c&d.png", NULL };
  GstElement *src;
  gchar *uri;

  src = make_src ();
  assert_uri (src, "seedance://");

  g_object_set (src, "api-key", ELEMENT_KEY, NULL);
  assert_uri (src, "seedance://");

  g_object_set (src, "prompt", "a cat", "duration", 5, NULL);
  assert_uri (src, "seedance://?prompt=a%20cat&duration=5");

  gst_util_set_object_arg (G_OBJECT (src), "ratio", "21:9");
  seedance_test_set_string_array (src, "reference-images", refs);
  assert_uri (src, "seedance://?prompt=a%20cat"
      "&reference-images=a%20b.png&reference-images=c%26d.png"
      "&duration=5&ratio=21:9");

  /* Connection properties at their defaults do not appear. */
  g_object_set (src, "poll-interval", (guint) 2000, "timeout", (guint) 1800,
      "model", SEEDANCE_TEST_DEFAULT_MODEL, NULL);
  assert_uri (src, "seedance://?prompt=a%20cat"
      "&reference-images=a%20b.png&reference-images=c%26d.png"
      "&duration=5&ratio=21:9");

  /* Nor do the origin, model and cache, whatever their values. */
  g_object_set (src, "api-url", "http://127.0.0.1:1", "model", "acme/x",
      "cache-dir", "/tmp/c", "cache-size", (guint) 1, "api-key-file",
      "/tmp/k", "timeout", (guint) 60, NULL);
  gst_util_set_object_arg (G_OBJECT (src), "cache-mode", "off");
  assert_uri (src, "seedance://?prompt=a%20cat"
      "&reference-images=a%20b.png&reference-images=c%26d.png"
      "&duration=5&ratio=21:9&timeout=60");

  uri = get_uri (src);
  fail_if (strstr (uri, "api-key") || strstr (uri, "api_key")
      || strstr (uri, ELEMENT_KEY), "the URI shows the key: %s", uri);
  g_free (uri);

  gst_object_unref (src);
}

GST_END_TEST;

/* get_uri() never names api-url, model, the cache or the key file, set or
 * not, alone or with every URI property; the URI it gives is accepted and
 * means the same on an element with the same settings. */
GST_START_TEST (test_get_uri_hides_element_settings)
{
  const gchar *const refs[] = { "r1.png", "r2.png", NULL };
  const gchar *const audio[] = { "https://e.example/1.mp3", NULL };
  GstElement *src, *other;
  gchar *uri, *before;

  src = make_src ();
  set_element_settings (src);
  assert_uri (src, "seedance://");

  g_object_set (src, "prompt", "a dog", "first-frame-image", "f.png",
      "last-frame-image", "l.png", "camera-fixed", TRUE, "duration", 6,
      "execution-expires-after", 3600, "generate-audio", FALSE,
      "return-last-frame", TRUE, "seed", G_GINT64_CONSTANT (3),
      "task-id", "task-1", "poll-interval", (guint) 1000, "timeout", (guint) 0,
      NULL);
  gst_util_set_object_arg (G_OBJECT (src), "ratio", "16:9");
  gst_util_set_object_arg (G_OBJECT (src), "resolution", "480p");
  seedance_test_set_string_array (src, "reference-images", refs);
  seedance_test_set_string_array (src, "audio-urls", audio);

  uri = get_uri (src);
  fail_unless_equals_string (uri, "seedance://?prompt=a%20dog"
      "&first-frame-image=f.png&last-frame-image=l.png"
      "&reference-images=r1.png&reference-images=r2.png"
      "&audio-urls=https://e.example/1.mp3&camera-fixed=true&duration=6"
      "&execution-expires-after=3600&generate-audio=false&ratio=16:9"
      "&resolution=480p&return-last-frame=true&seed=3&task-id=task-1"
      "&poll-interval=1000&timeout=0");
  assert_uri_hides_element_settings (uri);

  /* The same URI on the same element, or on another with the same
   * settings: nothing changes. */
  before = snapshot (src);
  assert_set_uri (src, uri);
  assert_snapshot (src, before, "after set_uri(get_uri())");
  other = make_src ();
  set_element_settings (other);
  assert_set_uri (other, uri);
  assert_snapshot (other, before, "another element given the URI");
  gst_object_unref (other);
  g_free (before);
  g_free (uri);

  /* Each alone, too. */
  gst_object_unref (src);
  src = make_src ();
  g_object_set (src, "api-url", ELEMENT_API_URL, NULL);
  assert_uri (src, "seedance://");
  g_object_set (src, "model", ELEMENT_MODEL, NULL);
  assert_uri (src, "seedance://");
  gst_util_set_object_arg (G_OBJECT (src), "cache-mode", "off");
  assert_uri (src, "seedance://");
  g_object_set (src, "cache-dir", ELEMENT_CACHE_DIR, NULL);
  assert_uri (src, "seedance://");
  g_object_set (src, "cache-size", (guint) ELEMENT_CACHE_SIZE, NULL);
  assert_uri (src, "seedance://");
  g_object_set (src, "api-key-file", ELEMENT_KEY_FILE, NULL);
  assert_uri (src, "seedance://");
  g_object_set (src, "last-frame-location", ELEMENT_LAST_FRAME_LOCATION, NULL);
  assert_uri (src, "seedance://");
  g_object_set (src, "requests-per-minute", (guint) 7, NULL);
  assert_uri (src, "seedance://");
  g_object_set (src, "api-key", ELEMENT_KEY, NULL);
  assert_uri (src, "seedance://");
  gst_object_unref (src);
}

GST_END_TEST;

/* Every property with awkward values: get_uri is a valid URI of allowed
 * characters only, and set_uri(get_uri()) changes nothing, on the same
 * element or on a new one. */
GST_START_TEST (test_round_trip)
{
  const gchar *const refs[] = { "/tmp/dir with space/r1.png",
    "https://e.example/r2.png?a=1&b=2#frag", "data:image/png;base64,iVBO+/=",
    NULL
  };
  const gchar *const audio[] = { "https://e.example/1.mp3",
    "https://e.example/2.mp3?x=%20", "http://e.example/3.mp3", NULL
  };
  GString *prompt;
  GstElement *src, *other;
  gchar *uri, *again, *before;
  const gchar *p;
  guint c;

  /* Every printable ASCII character, controls and UTF-8. */
  prompt = g_string_new ("\t\n");
  for (c = 0x20; c < 0x7f; c++)
    g_string_append_c (prompt, c);
  g_string_append (prompt, " caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac "
      "\xf0\x9f\x90\x88");

  src = make_src ();
  set_element_settings (src);
  g_object_set (src, "prompt", prompt->str,
      "first-frame-image", "/tmp/dir with space/first.png",
      "last-frame-image", "https://e.example/l.png?a=1&b=2#frag",
      "camera-fixed", TRUE,
      "duration", 15,
      "execution-expires-after", 259200,
      "generate-audio", FALSE,
      "return-last-frame", TRUE,
      "seed", G_GINT64_CONSTANT (4294967295),
      "task-id", "task:42/x y",
      "poll-interval", (guint) 1000, "timeout", (guint) 0, NULL);
  gst_util_set_object_arg (G_OBJECT (src), "ratio", "9:16");
  gst_util_set_object_arg (G_OBJECT (src), "resolution", "480p");
  seedance_test_set_string_array (src, "reference-images", refs);
  seedance_test_set_string_array (src, "audio-urls", audio);

  uri = get_uri (src);
  GST_INFO ("round trip of %s", uri);
  fail_unless (g_str_has_prefix (uri, "seedance://?prompt="), "%s", uri);
  fail_unless (gst_uri_is_valid (uri), "%s is no valid URI", uri);
  for (p = uri + strlen ("seedance://?"); *p; p++)
    fail_unless (g_ascii_isalnum (*p) || strchr ("-._~:/%&=", *p),
        "'%c' unencoded in %s", *p, uri);
  fail_if (strstr (uri, "api-key") || strstr (uri, ELEMENT_KEY),
      "the URI shows the key: %s", uri);
  fail_if (strstr (uri, "&api-url=") || strstr (uri, "&model=")
      || strstr (uri, "&cache-") || strstr (uri, ELEMENT_MODEL)
      || strstr (uri, "4321"), "the URI shows the element's settings: %s", uri);

  before = snapshot (src);
  assert_set_uri (src, uri);
  assert_snapshot (src, before, "after set_uri(get_uri())");
  again = get_uri (src);
  fail_unless_equals_string (again, uri);
  g_free (again);

  other = make_src ();
  set_element_settings (other);
  assert_set_uri (other, uri);
  assert_snapshot (other, before, "a new element given the URI");
  assert_uri (other, uri);

  gst_object_unref (other);
  g_free (before);
  g_free (uri);
  gst_object_unref (src);
  g_string_free (prompt, TRUE);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Against the emulator */

/* Allowed in READY, refused with BAD_STATE once the element runs; the
 * running request is left alone. */
GST_START_TEST (test_bad_state)
{
  SeedanceTestFixture *f;
  GError *error;
  gchar *uri;

  f = fixture_new_slow ();
  /* The fixture set api-url on the element: the URI keeps it. */
  seedance_test_fixture_launch_fakesink (f);
  uri = g_strdup ("seedance://?prompt=" PROMPT_ENCODED "&poll-interval=1000");
  assert_set_uri (f->src, uri);

  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_READY), GST_STATE_CHANGE_SUCCESS);
  assert_set_uri (f->src, uri);

  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);
  seedance_test_fixture_wait_requests (f, "POST", SEEDANCE_TEST_SUBMIT_PATH, 1);

  error = assert_set_uri_fails (f->src, "seedance://?prompt=other&duration=9",
      GST_URI_ERROR_BAD_STATE);
  g_error_free (error);
  /* A bad URI is still refused for the state first or for itself. */
  error = NULL;
  fail_if (gst_uri_handler_set_uri (GST_URI_HANDLER (f->src),
          "seedance://?colour=red", &error));
  fail_unless (error != NULL && error->domain == GST_URI_ERROR);
  g_clear_error (&error);

  assert_property (f->src, "prompt", PROMPT);
  assert_property (f->src, "duration", "5");
  assert_property (f->src, "api-url",
      seedance_emulator_get_api_origin (f->emulator));
  assert_property (f->src, "poll-interval", "1000");

  g_free (uri);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* The prompt a form encoder wrote (spaces as '+', a plus as %2B) is the
 * prompt submitted, once. */
GST_START_TEST (test_form_encoded_prompt_sent)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  JsonNode *body;

  seedance_test_fixture_launch_fakesink (f);
  assert_set_uri (f->src, "seedance://?prompt=a+cat+surfing%2B&duration=4"
      "&resolution=480p&generate-audio=false");
  seedance_test_fixture_run_to_eos (f);
  body = seedance_test_fixture_get_submit_body (f, NULL);
  fail_unless_equals_string (json_object_get_string_member
      (json_node_get_object (body), "prompt"), "a cat surfing+");
  json_node_unref (body);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A URI's image values may not name local files: a playlist or project
 * must not make the element read the user's pictures and upload them.
 * The same file set on the element is sent; base64 in a URI is taken. */
typedef enum
{
  LOCAL_PATH,
  LOCAL_FILE_URI,
  LOCAL_REFERENCE,
} LocalImageForm;

GST_START_TEST (test_uri_local_image_refused)
{
  LocalImageForm form = __i__;
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *path = seedance_test_fixture_write_image (f, "private.png",
      "pngenc");
  gchar *escaped, *uri, *file_uri = gst_filename_to_uri (path, NULL);
  const gchar *property = form == LOCAL_REFERENCE ? "reference-images" :
      "first-frame-image";
  GstMessage *msg;
  GError *error = NULL;
  gchar *dbg = NULL;

  escaped = g_uri_escape_string (form == LOCAL_FILE_URI ? file_uri : path,
      NULL, FALSE);
  uri = g_strdup_printf ("seedance://?prompt=%s&%s=%s", PROMPT_ENCODED,
      property, escaped);
  seedance_test_fixture_launch_fakesink (f);
  assert_set_uri (f->src, uri);
  msg = seedance_test_fixture_fail_to_start (f);
  gst_message_parse_error (msg, &error, &dbg);
  fail_unless (error->domain == GST_RESOURCE_ERROR
      && error->code == GST_RESOURCE_ERROR_SETTINGS, "%s", error->message);
  fail_unless (strstr (error->message, property)
      && strstr (error->message, "names a local file"), "%s", error->message);
  g_clear_error (&error);
  g_free (dbg);
  gst_message_unref (msg);
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, NULL,
          NULL), 0);

  /* The element's own property may name it: it is the user's choice. */
  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  if (form == LOCAL_REFERENCE) {
    const gchar *refs[] = { path, NULL };

    seedance_test_set_string_array (f->src, property, refs);
  } else {
    g_object_set (f->src, property, path, NULL);
  }
  g_object_set (f->src, "duration", 4, "generate-audio", FALSE, NULL);
  gst_util_set_object_arg (G_OBJECT (f->src), "resolution", "480p");
  seedance_test_fixture_run_to_eos (f);
  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);

  g_free (uri);
  g_free (escaped);
  g_free (file_uri);
  g_free (path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Base64 image data in a URI is data, not a file: it is sent. */
GST_START_TEST (test_uri_base64_image_taken)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  gchar *path = seedance_test_fixture_write_image (f, "inline.png", "pngenc");
  gchar *data = NULL, *b64, *escaped, *uri;
  gsize length;
  JsonNode *body;

  fail_unless (g_file_get_contents (path, &data, &length, NULL));
  b64 = g_base64_encode ((const guchar *) data, length);
  escaped = g_uri_escape_string (b64, NULL, FALSE);
  uri = g_strdup_printf ("seedance://?prompt=%s&duration=4&resolution=480p"
      "&generate-audio=false&first-frame-image=%s", PROMPT_ENCODED, escaped);
  seedance_test_fixture_launch_fakesink (f);
  assert_set_uri (f->src, uri);
  seedance_test_fixture_run_to_eos (f);
  body = seedance_test_fixture_get_submit_body (f, NULL);
  fail_unless (g_str_has_suffix (json_object_get_string_member
          (json_node_get_object (body), "first_frame_image"), b64));
  json_node_unref (body);

  g_free (uri);
  g_free (escaped);
  g_free (b64);
  g_free (data);
  g_free (path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* Only the request fields the last URI named are submitted, with the key
 * and origin set on the element before it. */
GST_START_TEST (test_only_named_fields_sent)
{
  SeedanceTestFixture *f;
  JsonNode *body;
  JsonObject *obj;
  gchar *uri, *members;

  f = fixture_new_slow ();
  seedance_test_fixture_launch_fakesink (f);
  assert_set_uri (f->src, RICH_URI);

  uri = g_strdup ("seedance://?prompt=" PROMPT_ENCODED
      "&duration=4&poll-interval=1000");
  assert_set_uri (f->src, uri);
  assert_property (f->src, "api-url",
      seedance_emulator_get_api_origin (f->emulator));

  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);
  body = wait_submit_body (f);
  members = json_member_names (body);
  fail_unless_equals_string (members, "duration,prompt");
  obj = json_node_get_object (body);
  fail_unless_equals_string (json_object_get_string_member (obj, "prompt"),
      PROMPT);
  fail_unless_equals_int64 (json_object_get_int_member (obj, "duration"), 4);

  g_free (members);
  json_node_unref (body);
  g_free (uri);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* The source uridecodebin made, and its URI before it started. */
typedef struct
{
  GMutex lock;
  GstElement *source;
  gchar *uri;
  guint n_sources;
} SourceSetup;

static void
source_setup_cb (GstElement * uridecodebin, GstElement * source,
    SourceSetup * setup)
{
  g_mutex_lock (&setup->lock);
  setup->n_sources++;
  if (setup->source == NULL && GST_IS_URI_HANDLER (source)) {
    setup->source = gst_object_ref (source);
    setup->uri = gst_uri_handler_get_uri (GST_URI_HANDLER (source));
  }
  g_mutex_unlock (&setup->lock);
}

/* uridecodebin plays a seedance:// URI to EOS; the element takes its
 * origin and key from the environment, the rest from the URI. */
GST_START_TEST (test_uridecodebin)
{
  SeedanceTestFixture *f;
  SeedanceTestSinkInfo info;
  SourceSetup setup;
  SavedEnvironment saved;
  GstElement *pipeline, *uridecodebin, *sink;
  GstMessage *msg;
  GError *error = NULL;
  JsonNode *body;
  JsonObject *obj;
  gchar *members, *task_id = NULL;

  memset (&setup, 0, sizeof (setup));
  g_mutex_init (&setup.lock);
  seedance_test_sink_info_init (&info);
  f = seedance_test_fixture_new (NULL);

  environment_save (&saved);
  g_setenv ("MODELLIX_BASE_URL",
      seedance_emulator_get_api_origin (f->emulator), TRUE);
  g_setenv ("MODELLIX_API_KEY", SEEDANCE_TEST_API_KEY, TRUE);

  pipeline = gst_parse_launch ("uridecodebin name=dec "
      "uri=\"seedance://?prompt=" PROMPT_ENCODED "&duration=4"
      "&resolution=480p&generate-audio=false&poll-interval=1000\" "
      "! fakesink name=sink sync=false", &error);
  fail_unless (pipeline != NULL && error == NULL, "could not parse: %s",
      error ? error->message : "");

  uridecodebin = gst_bin_get_by_name (GST_BIN (pipeline), "dec");
  g_signal_connect (uridecodebin, "source-setup",
      G_CALLBACK (source_setup_cb), &setup);
  gst_object_unref (uridecodebin);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  seedance_test_sink_info_attach (&info, sink);
  gst_object_unref (sink);

  /* The fixture tears the pipeline down. */
  f->pipeline = pipeline;
  g_mutex_lock (&f->lock);
  f->bus = gst_element_get_bus (pipeline);
  g_mutex_unlock (&f->lock);

  /* uridecodebin makes its source (reading the environment) here. */
  fail_if (gst_element_set_state (pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);

  g_mutex_lock (&setup.lock);
  fail_unless (setup.source != NULL, "uridecodebin made no URI source");
  f->src = gst_object_ref (setup.source);
  g_mutex_unlock (&setup.lock);

  msg = seedance_test_wait_eos_or_error (f->bus, SEEDANCE_TEST_TIMEOUT);
  fail_on_error_message (msg);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  environment_restore (&saved);

  g_mutex_lock (&setup.lock);
  fail_unless_equals_int (setup.n_sources, 1);
  fail_unless_equals_string (GST_OBJECT_NAME (gst_element_get_factory
          (setup.source)), "seedancesrc");
  fail_unless_equals_string (setup.uri, "seedance://?prompt=" PROMPT_ENCODED
      "&duration=4&generate-audio=false&resolution=480p&poll-interval=1000");
  g_mutex_unlock (&setup.lock);

  /* Decoded video reached the sink. */
  g_mutex_lock (&info.lock);
  fail_unless (info.caps != NULL, "no caps reached the sink");
  fail_unless (g_str_has_prefix (gst_structure_get_name
          (gst_caps_get_structure (info.caps, 0)), "video/x-raw"),
      "the sink got %" GST_PTR_FORMAT, info.caps);
  fail_unless (info.n_buffers > 0, "no video frame reached the sink");
  g_mutex_unlock (&info.lock);

  /* One submission, of exactly the fields of the URI. */
  body = wait_submit_body (f);
  members = json_member_names (body);
  fail_unless_equals_string (members,
      "duration,generate_audio,prompt,resolution");
  obj = json_node_get_object (body);
  fail_unless_equals_string (json_object_get_string_member (obj, "prompt"),
      PROMPT);
  fail_unless_equals_string (json_object_get_string_member (obj,
          "resolution"), "480p");
  fail_unless_equals_int64 (json_object_get_int_member (obj, "duration"), 4);
  fail_if (json_object_get_boolean_member (obj, "generate_audio"));
  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);

  g_object_get (f->src, "task-id", &task_id, NULL);
  fail_unless (task_id != NULL && *task_id != '\0', "no task id");

  g_free (task_id);
  g_free (members);
  json_node_unref (body);
  seedance_test_fixture_free (f);
  seedance_test_sink_info_clear (&info);
  g_mutex_lock (&setup.lock);
  gst_clear_object (&setup.source);
  g_clear_pointer (&setup.uri, g_free);
  g_mutex_unlock (&setup.lock);
  g_mutex_clear (&setup.lock);
}

GST_END_TEST;

/* playbin plays a seedance:// URI to EOS with decoded video, after one
 * submission. */
GST_START_TEST (test_playbin)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  SeedanceTestSinkInfo info;
  SavedEnvironment saved;
  GstElement *sink;
  GstMessage *msg;

  seedance_test_sink_info_init (&info);
  environment_save (&saved);
  g_setenv ("MODELLIX_BASE_URL",
      seedance_emulator_get_api_origin (f->emulator), TRUE);
  g_setenv ("MODELLIX_API_KEY", SEEDANCE_TEST_API_KEY, TRUE);

  f->pipeline = gst_element_factory_make ("playbin", NULL);
  sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (f->pipeline, "uri", "seedance://?prompt=" PROMPT_ENCODED
      "&duration=4&resolution=480p&generate-audio=false&poll-interval=1000",
      "video-sink", sink, "audio-sink", gst_element_factory_make ("fakesink",
          NULL), NULL);
  seedance_test_sink_info_attach (&info, sink);
  g_mutex_lock (&f->lock);
  f->bus = gst_element_get_bus (f->pipeline);
  g_mutex_unlock (&f->lock);

  fail_if (gst_element_set_state (f->pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE);
  msg = seedance_test_wait_eos_or_error (f->bus, SEEDANCE_TEST_TIMEOUT);
  fail_on_error_message (msg);
  fail_unless_equals_int (GST_MESSAGE_TYPE (msg), GST_MESSAGE_EOS);
  gst_message_unref (msg);
  environment_restore (&saved);

  g_mutex_lock (&info.lock);
  fail_unless (info.caps != NULL && g_str_has_prefix (gst_structure_get_name
          (gst_caps_get_structure (info.caps, 0)), "video/x-raw"));
  fail_unless (info.n_buffers > 0, "no video frame reached the sink");
  g_mutex_unlock (&info.lock);
  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);

  /* fixture_free drops the src reference it holds: playbin's is its own. */
  f->src = gst_object_ref (sink);
  seedance_test_fixture_free (f);
  seedance_test_sink_info_clear (&info);
}

GST_END_TEST;

/* GstDiscoverer (gst-discoverer-1.0) reports the duration the URI asked
 * for and its one video stream. */
GST_START_TEST (test_discoverer)
{
  SeedanceTestFixture *f = seedance_test_fixture_new (NULL);
  SavedEnvironment saved;
  GstDiscoverer *discoverer;
  GstDiscovererInfo *info;
  GList *videos;
  GError *error = NULL;

  environment_save (&saved);
  g_setenv ("MODELLIX_BASE_URL",
      seedance_emulator_get_api_origin (f->emulator), TRUE);
  g_setenv ("MODELLIX_API_KEY", SEEDANCE_TEST_API_KEY, TRUE);

  discoverer = gst_discoverer_new (SEEDANCE_TEST_TIMEOUT, &error);
  fail_unless (discoverer != NULL, "%s", error ? error->message : "");
  info = gst_discoverer_discover_uri (discoverer, "seedance://?prompt="
      PROMPT_ENCODED "&duration=6&resolution=480p&generate-audio=false"
      "&poll-interval=1000", &error);
  environment_restore (&saved);
  fail_unless (info != NULL, "%s", error ? error->message : "");
  fail_unless_equals_int (gst_discoverer_info_get_result (info),
      GST_DISCOVERER_OK);
  seedance_test_assert_duration (info, 6 * GST_SECOND);
  videos = gst_discoverer_info_get_video_streams (info);
  fail_unless_equals_int (g_list_length (videos), 1);
  fail_unless (gst_discoverer_info_get_audio_streams (info) == NULL);
  /* Its answer was logged before the discovery could go on. */
  fail_unless_equals_int (seedance_test_fixture_count_requests (f, "POST",
          NULL), 1);

  gst_discoverer_stream_info_list_free (videos);
  gst_discoverer_info_unref (info);
  g_object_unref (discoverer);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A URI from a playlist that names an origin is refused where the bins
 * make their source: with a key in MODELLIX_API_KEY and the emulator as
 * MODELLIX_BASE_URL, uridecodebin or playbin given
 * seedance://?prompt=hello&api-url=<the emulator's third origin> posts an
 * error naming api-url, makes no source, and not one request reaches any
 * of the emulator's origins (the one the URI names or the others). */
static const gchar *hostile_keys[] = { "api-url", "api_url" };
static const gchar *hostile_bins[] = { "uridecodebin", "playbin" };

GST_START_TEST (test_hostile_origin_sends_nothing)
{
  const gchar *key = hostile_keys[__i__ / G_N_ELEMENTS (hostile_bins)];
  const gchar *bin = hostile_bins[__i__ % G_N_ELEMENTS (hostile_bins)];
  SeedanceTestFixture *f;
  SourceSetup setup;
  SavedEnvironment saved;
  GstElement *pipeline, *element;
  GstBus *bus;
  GstMessage *msg;
  gchar *origin, *uri;

  memset (&setup, 0, sizeof (setup));
  g_mutex_init (&setup.lock);
  f = seedance_test_fixture_new (NULL);

  environment_save (&saved);
  g_setenv ("MODELLIX_BASE_URL",
      seedance_emulator_get_api_origin (f->emulator), TRUE);
  g_setenv ("MODELLIX_API_KEY", SEEDANCE_TEST_API_KEY, TRUE);

  origin = g_uri_escape_string (seedance_emulator_get_other_origin
      (f->emulator), NULL, FALSE);
  fail_unless (g_str_has_prefix (origin, "http%3A%2F%2F127.0.0.1%3A"), "%s",
      origin);
  uri = g_strdup_printf ("seedance://?prompt=hello&%s=%s", key, origin);
  GST_INFO ("%s with %s", bin, uri);

  element = gst_element_factory_make (bin, NULL);
  fail_unless (element != NULL, "no %s", bin);
  if (GST_IS_PIPELINE (element)) {
    pipeline = element;
    g_object_set (pipeline, "video-sink", gst_element_factory_make ("fakesink",
            NULL), "audio-sink", gst_element_factory_make ("fakesink", NULL),
        NULL);
  } else {
    /* A bin has a bus only in a pipeline. */
    pipeline = gst_pipeline_new (NULL);
    gst_bin_add (GST_BIN (pipeline), element);
  }
  g_signal_connect (element, "source-setup", G_CALLBACK (source_setup_cb),
      &setup);
  g_object_set (element, "uri", uri, NULL);
  bus = gst_element_get_bus (pipeline);

  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_PLAYING),
      GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, SEEDANCE_TEST_TIMEOUT,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  fail_unless (msg != NULL, "%s posted no error", bin);
  /* The bins' error for a URI no element accepted, with our message. */
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_FOUND, "Invalid seedance URI: 'api-url' is not "
      "allowed in a URI");
  gst_message_unref (msg);

  /* Every thread of the pipeline is gone: whatever it sent was answered
   * and logged. */
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  environment_restore (&saved);

  g_mutex_lock (&setup.lock);
  fail_unless_equals_int (setup.n_sources, 0);
  fail_unless (setup.source == NULL, "%s made a source", bin);
  g_mutex_unlock (&setup.lock);

  fail_unless_equals_int (seedance_test_fixture_count_requests (f, NULL,
          NULL), 0);
  fail_unless_equals_int (seedance_test_fixture_count_tasks (f), 0);

  gst_object_unref (bus);
  gst_object_unref (pipeline);
  g_free (uri);
  g_free (origin);
  seedance_test_fixture_free (f);
  g_mutex_clear (&setup.lock);
}

GST_END_TEST;

static Suite *
urihandler_suite (void)
{
  Suite *s = suite_create ("urihandler");
  TCase *tc;

  g_mutex_init (&log_watch.lock);

  tc = tcase_create ("interface");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_make_from_uri);
  tcase_add_test (tc, test_protocols_and_type);

  tc = tcase_create ("values");
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_value, 0, G_N_ELEMENTS (value_cases));
  tcase_add_test (tc, test_many_values);

  tc = tcase_create ("errors");
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_bad_uri, 0, G_N_ELEMENTS (bad_uri_cases));
  tcase_add_test (tc, test_bad_uri_message_utf8);
  tcase_add_test (tc, test_wrong_scheme);
  tcase_add_loop_test (tc, test_api_key_refused, 0,
      G_N_ELEMENTS (api_key_uris));
  tcase_add_loop_test (tc, test_refused_key, 0,
      G_N_ELEMENTS (refused_key_cases));
  tcase_add_loop_test (tc, test_make_from_uri_refused_key, 0,
      G_N_ELEMENTS (refused_key_cases));

  tc = tcase_create ("request");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_atomic);
  tcase_add_test (tc, test_reset_to_defaults);
  tcase_add_test (tc, test_set_uri_keeps_element_settings);
  tcase_add_test (tc, test_api_url_from_environment_kept);

  tc = tcase_create ("canonical");
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_canonical, 0, G_N_ELEMENTS (canonical_cases));
  tcase_add_test (tc, test_canonical_from_properties);
  tcase_add_test (tc, test_get_uri_hides_element_settings);
  tcase_add_test (tc, test_round_trip);

  tc = tcase_create ("emulator");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_bad_state);
  tcase_add_test (tc, test_only_named_fields_sent);
  tcase_add_loop_test (tc, test_uri_local_image_refused, LOCAL_PATH,
      LOCAL_REFERENCE + 1);
  tcase_add_test (tc, test_uri_base64_image_taken);
  tcase_add_test (tc, test_form_encoded_prompt_sent);
  tcase_add_test (tc, test_uridecodebin);
  tcase_add_test (tc, test_playbin);
  tcase_add_test (tc, test_discoverer);
  tcase_add_loop_test (tc, test_hostile_origin_sends_nothing, 0,
      G_N_ELEMENTS (hostile_keys) * G_N_ELEMENTS (hostile_bins));

  return s;
}

SEEDANCE_CHECK_MAIN (urihandler);
