/* gst-seedance: seedancesrc properties, validation and request body
 * Copyright (C) 2026 gst-seedance developers
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2 of the License, or (at your option) any later version.
 */

/* What the element promises before and at submission: every property's
 * type, default and range; every validation rule failing start() with a
 * SETTINGS error naming the property and without one request; the JSON
 * body (field names, JSON types, omitted fields, local files as data
 * URIs); where the key goes. */

#include <string.h>

#include "seedancetestutils.h"

#define PROMPT "a red fox runs through fresh snow"

/* Long enough that a task stays pending while a test looks at its
 * submission and then shuts the element down. */
#define SLOW_GENERATION_MS (10 * 60 * 1000)

/* ------------------------------------------------------------------------ */
/* Helpers */

static GParamSpec *
get_pspec (GstElement * element, const gchar * name, GType value_type)
{
  GParamSpec *pspec;

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (element), name);
  fail_unless (pspec != NULL, "no property '%s'", name);
  fail_unless (G_PARAM_SPEC_VALUE_TYPE (pspec) == value_type,
      "property '%s' is a %s, not a %s", name,
      g_type_name (G_PARAM_SPEC_VALUE_TYPE (pspec)), g_type_name (value_type));
  fail_unless ((pspec->flags & G_PARAM_READWRITE) == G_PARAM_READWRITE,
      "property '%s' is not readable and writable", name);
  fail_unless (g_param_spec_get_blurb (pspec) != NULL
      && *g_param_spec_get_blurb (pspec) != '\0',
      "property '%s' is not documented", name);

  return pspec;
}

static gint
get_int (GstElement * element, const gchar * name)
{
  gint value;

  g_object_get (element, name, &value, NULL);
  return value;
}

static guint
get_uint (GstElement * element, const gchar * name)
{
  guint value;

  g_object_get (element, name, &value, NULL);
  return value;
}

static gint64
get_int64 (GstElement * element, const gchar * name)
{
  gint64 value;

  g_object_get (element, name, &value, NULL);
  return value;
}

/* The blurb states the range the spec holds ("Length ..., 4 to 15"). */
static void
assert_blurb_states_range (GParamSpec * pspec, const gchar * range)
{
  fail_unless (strstr (g_param_spec_get_blurb (pspec), range) != NULL,
      "the blurb of '%s' does not say '%s': %s", pspec->name, range,
      g_param_spec_get_blurb (pspec));
}

static gboolean
get_boolean (GstElement * element, const gchar * name)
{
  gboolean value;

  g_object_get (element, name, &value, NULL);
  return value;
}

static void
assert_string_property (GstElement * element, const gchar * name,
    const gchar * expected)
{
  gchar *value = NULL;

  g_object_get (element, name, &value, NULL);
  fail_unless (g_strcmp0 (value, expected) == 0,
      "property '%s' is '%s', expected '%s'", name, GST_STR_NULL (value),
      GST_STR_NULL (expected));
  g_free (value);
}

static const gchar *
get_enum_nick (GstElement * element, const gchar * name)
{
  GParamSpec *pspec;
  GEnumClass *klass;
  GEnumValue *value;
  const gchar *nick;

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (element), name);
  klass = g_type_class_ref (G_PARAM_SPEC_VALUE_TYPE (pspec));
  value = g_enum_get_value (klass, get_int (element, name));
  fail_unless (value != NULL, "property '%s' holds no value of its enum", name);
  /* Nicks are static strings of the registered type. */
  nick = value->value_nick;
  g_type_class_unref (klass);

  return nick;
}

static void
assert_string_array_property (GstElement * element, const gchar * name,
    const gchar * const *expected)
{
  gchar **value;
  guint i;

  value = seedance_test_get_string_array (element, name);
  fail_unless_equals_int (g_strv_length (value),
      g_strv_length ((gchar **) expected));
  for (i = 0; expected[i]; i++)
    fail_unless_equals_string (value[i], expected[i]);
  g_strfreev (value);
}

static JsonNode *
get_member (JsonObject * obj, const gchar * name, JsonNodeType type)
{
  JsonNode *node;

  node = json_object_get_member (obj, name);
  fail_unless (node != NULL, "the body has no '%s'", name);
  fail_unless (JSON_NODE_TYPE (node) == type, "'%s' is a JSON %s", name,
      json_node_type_name (node));

  return node;
}

static void
assert_json_string (JsonObject * obj, const gchar * name,
    const gchar * expected)
{
  JsonNode *node = get_member (obj, name, JSON_NODE_VALUE);

  fail_unless (json_node_get_value_type (node) == G_TYPE_STRING,
      "'%s' is a %s, not a JSON string", name, json_node_type_name (node));
  fail_unless_equals_string (json_node_get_string (node), expected);
}

static void
assert_json_int (JsonObject * obj, const gchar * name, gint64 expected)
{
  JsonNode *node = get_member (obj, name, JSON_NODE_VALUE);

  fail_unless (json_node_get_value_type (node) == G_TYPE_INT64,
      "'%s' is a %s, not a JSON integer", name, json_node_type_name (node));
  fail_unless_equals_int64 (json_node_get_int (node), expected);
}

static void
assert_json_boolean (JsonObject * obj, const gchar * name, gboolean expected)
{
  JsonNode *node = get_member (obj, name, JSON_NODE_VALUE);

  fail_unless (json_node_get_value_type (node) == G_TYPE_BOOLEAN,
      "'%s' is a %s, not a JSON boolean", name, json_node_type_name (node));
  fail_unless_equals_int (json_node_get_boolean (node), expected);
}

static void
assert_json_string_array (JsonObject * obj, const gchar * name,
    const gchar * const *expected)
{
  JsonArray *array;
  guint i;

  array = json_node_get_array (get_member (obj, name, JSON_NODE_ARRAY));
  fail_unless_equals_int (json_array_get_length (array),
      g_strv_length ((gchar **) expected));
  for (i = 0; expected[i]; i++) {
    JsonNode *item = json_array_get_element (array, i);

    fail_unless (JSON_NODE_HOLDS_VALUE (item)
        && json_node_get_value_type (item) == G_TYPE_STRING,
        "item %u of '%s' is not a JSON string", i, name);
    fail_unless_equals_string (json_node_get_string (item), expected[i]);
  }
}

/* The HTTP status the emulator answered the single submission with. */
static guint
get_submit_status (SeedanceTestFixture * f)
{
  GPtrArray *requests;
  guint i, status = 0, n = 0;

  requests = seedance_emulator_get_requests (f->emulator);
  for (i = 0; i < requests->len; i++) {
    SeedanceEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (g_strcmp0 (r->method, "POST") == 0) {
      status = r->status;
      n++;
    }
  }
  g_ptr_array_unref (requests);
  fail_unless_equals_int (n, 1);

  return status;
}

/* A fixture whose tasks stay pending: for tests that only look at what
 * was submitted. */
static SeedanceTestFixture *
fixture_new_slow (void)
{
  SeedanceEmulatorConfig config;

  seedance_test_config_init (&config);
  config.generation_ms = SLOW_GENERATION_MS;

  return seedance_test_fixture_new (&config);
}

/* Starts the pipeline and waits for its submission to be answered; the
 * pipeline goes down (cancelling the poll) with the fixture. */
static JsonNode *
submit_and_get_body (SeedanceTestFixture * f)
{
  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);
  seedance_test_fixture_wait_requests (f, "POST", "/api/v1/", 1);
  fail_unless_equals_int (get_submit_status (f), 200);

  return seedance_test_fixture_get_submit_body (f, NULL);
}

/* ------------------------------------------------------------------------ */
/* Properties */

GST_START_TEST (test_factory)
{
  GstElementFactory *factory;

  factory = gst_element_factory_find ("seedancesrc");
  fail_unless (factory != NULL, "seedancesrc is not registered");
  fail_unless_equals_string (gst_element_factory_get_metadata (factory,
          GST_ELEMENT_METADATA_KLASS), "Source/Network");
  fail_unless_equals_int (gst_plugin_feature_get_rank (GST_PLUGIN_FEATURE
          (factory)), GST_RANK_NONE);
  gst_object_unref (factory);
}

GST_END_TEST;

GST_START_TEST (test_defaults)
{
  GstElement *src;
  const gchar *const empty[] = { NULL };

  src = gst_element_factory_make ("seedancesrc", NULL);
  fail_unless (src != NULL);

  get_pspec (src, "prompt", G_TYPE_STRING);
  assert_string_property (src, "prompt", NULL);
  get_pspec (src, "first-frame-image", G_TYPE_STRING);
  assert_string_property (src, "first-frame-image", NULL);
  get_pspec (src, "last-frame-image", G_TYPE_STRING);
  assert_string_property (src, "last-frame-image", NULL);

  get_pspec (src, "reference-images", GST_TYPE_ARRAY);
  assert_string_array_property (src, "reference-images", empty);
  get_pspec (src, "audio-urls", GST_TYPE_ARRAY);
  assert_string_array_property (src, "audio-urls", empty);

  get_pspec (src, "camera-fixed", G_TYPE_BOOLEAN);
  fail_unless_equals_int (get_boolean (src, "camera-fixed"), FALSE);
  get_pspec (src, "generate-audio", G_TYPE_BOOLEAN);
  fail_unless_equals_int (get_boolean (src, "generate-audio"), TRUE);
  get_pspec (src, "return-last-frame", G_TYPE_BOOLEAN);
  fail_unless_equals_int (get_boolean (src, "return-last-frame"), FALSE);

  get_pspec (src, "duration", G_TYPE_INT);
  fail_unless_equals_int (get_int (src, "duration"), 5);
  get_pspec (src, "execution-expires-after", G_TYPE_INT);
  fail_unless_equals_int (get_int (src, "execution-expires-after"), 172800);
  get_pspec (src, "seed", G_TYPE_INT64);
  fail_unless_equals_int64 (get_int64 (src, "seed"), -1);

  fail_unless_equals_string (get_enum_nick (src, "ratio"), "1:1");
  fail_unless_equals_string (get_enum_nick (src, "resolution"), "720p");

  /* No MODELLIX_API_KEY / MODELLIX_BASE_URL in the test's environment. */
  get_pspec (src, "api-key", G_TYPE_STRING);
  assert_string_property (src, "api-key", NULL);
  get_pspec (src, "api-url", G_TYPE_STRING);
  assert_string_property (src, "api-url", "https://api.modellix.ai");
  get_pspec (src, "model", G_TYPE_STRING);
  assert_string_property (src, "model", SEEDANCE_TEST_DEFAULT_MODEL);
  get_pspec (src, "task-id", G_TYPE_STRING);
  assert_string_property (src, "task-id", NULL);
  get_pspec (src, "poll-interval", G_TYPE_UINT);
  fail_unless_equals_int (get_uint (src, "poll-interval"), 2000);
  get_pspec (src, "timeout", G_TYPE_UINT);
  fail_unless_equals_int (get_uint (src, "timeout"), 1800);

  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_string_properties)
{
  GstElement *src;
  const gchar *names[] = { "prompt", "first-frame-image", "last-frame-image",
    "api-url", "model", "task-id"
  };
  guint i;

  src = gst_element_factory_make ("seedancesrc", NULL);
  fail_unless (src != NULL);

  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    gchar *value = g_strdup_printf ("value of %s", names[i]);

    g_object_set (src, names[i], value, NULL);
    assert_string_property (src, names[i], value);
    g_object_set (src, names[i], NULL, NULL);
    if (g_strcmp0 (names[i], "api-url") != 0
        && g_strcmp0 (names[i], "model") != 0)
      assert_string_property (src, names[i], NULL);
    g_free (value);
  }

  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_boolean_properties)
{
  GstElement *src;
  const gchar *names[] = { "camera-fixed", "generate-audio",
    "return-last-frame"
  };
  guint i;

  src = gst_element_factory_make ("seedancesrc", NULL);
  fail_unless (src != NULL);

  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    gboolean initial = get_boolean (src, names[i]);

    g_object_set (src, names[i], !initial, NULL);
    fail_unless_equals_int (get_boolean (src, names[i]), !initial);
    g_object_set (src, names[i], initial, NULL);
    fail_unless_equals_int (get_boolean (src, names[i]), initial);
  }

  gst_object_unref (src);
}

GST_END_TEST;

typedef struct
{
  const gchar *name;
  gint minimum;
  gint maximum;
  gint default_value;
} IntRange;

static const IntRange int_ranges[] = {
  {"duration", 4, 15, 5},
  {"execution-expires-after", 3600, 259200, 172800},
};

GST_START_TEST (test_int_ranges)
{
  const IntRange *r = &int_ranges[__i__];
  GstElement *src;
  GParamSpecInt *pspec;
  gchar *range;

  src = gst_element_factory_make ("seedancesrc", NULL);
  fail_unless (src != NULL);

  pspec = G_PARAM_SPEC_INT (get_pspec (src, r->name, G_TYPE_INT));
  fail_unless_equals_int (pspec->minimum, r->minimum);
  fail_unless_equals_int (pspec->maximum, r->maximum);
  fail_unless_equals_int (pspec->default_value, r->default_value);
  range = g_strdup_printf ("%d to %d", r->minimum, r->maximum);
  assert_blurb_states_range (G_PARAM_SPEC (pspec), range);
  g_free (range);

  g_object_set (src, r->name, r->minimum, NULL);
  fail_unless_equals_int (get_int (src, r->name), r->minimum);
  g_object_set (src, r->name, r->maximum, NULL);
  fail_unless_equals_int (get_int (src, r->name), r->maximum);

  /* Out of range: stored as given, without a GLib warning (GstCheck fails
   * on one), for start() to refuse (elements/ranges). */
  g_object_set (src, r->name, r->minimum - 1, NULL);
  fail_unless_equals_int (get_int (src, r->name), r->minimum - 1);
  g_object_set (src, r->name, r->maximum + 1, NULL);
  fail_unless_equals_int (get_int (src, r->name), r->maximum + 1);

  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_seed_range)
{
  GstElement *src;
  GParamSpecInt64 *pspec;

  src = gst_element_factory_make ("seedancesrc", NULL);
  fail_unless (src != NULL);

  pspec = G_PARAM_SPEC_INT64 (get_pspec (src, "seed", G_TYPE_INT64));
  fail_unless_equals_int64 (pspec->minimum, -1);
  fail_unless_equals_int64 (pspec->maximum, G_GINT64_CONSTANT (4294967295));
  fail_unless_equals_int64 (pspec->default_value, -1);
  assert_blurb_states_range (G_PARAM_SPEC (pspec), "-1 to 4294967295");

  g_object_set (src, "seed", G_GINT64_CONSTANT (4294967295), NULL);
  fail_unless_equals_int64 (get_int64 (src, "seed"),
      G_GINT64_CONSTANT (4294967295));
  g_object_set (src, "seed", (gint64) 0, NULL);
  fail_unless_equals_int64 (get_int64 (src, "seed"), 0);
  g_object_set (src, "seed", (gint64) - 1, NULL);
  fail_unless_equals_int64 (get_int64 (src, "seed"), -1);

  /* Out of range: stored, for start() to refuse. */
  g_object_set (src, "seed", (gint64) - 2, NULL);
  fail_unless_equals_int64 (get_int64 (src, "seed"), -2);
  g_object_set (src, "seed", G_GINT64_CONSTANT (4294967296), NULL);
  fail_unless_equals_int64 (get_int64 (src, "seed"),
      G_GINT64_CONSTANT (4294967296));

  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_poll_interval_and_timeout_ranges)
{
  GstElement *src;
  GParamSpecUInt *pspec;

  src = gst_element_factory_make ("seedancesrc", NULL);
  fail_unless (src != NULL);

  pspec = G_PARAM_SPEC_UINT (get_pspec (src, "poll-interval", G_TYPE_UINT));
  fail_unless_equals_int (pspec->minimum, 10);
  fail_unless_equals_int (pspec->maximum, G_MAXINT / 1000);
  fail_unless_equals_int (pspec->default_value, 2000);
  assert_blurb_states_range (G_PARAM_SPEC (pspec), "10 to 2147483");
  g_object_set (src, "poll-interval", pspec->maximum, NULL);
  fail_unless_equals_int (get_uint (src, "poll-interval"), pspec->maximum);
  g_object_set (src, "poll-interval", (guint) 10, NULL);
  fail_unless_equals_int (get_uint (src, "poll-interval"), 10);
  /* Out of range: stored, for start() to refuse. */
  g_object_set (src, "poll-interval", (guint) 9, NULL);
  fail_unless_equals_int (get_uint (src, "poll-interval"), 9);

  /* 0 means no timeout. */
  pspec = G_PARAM_SPEC_UINT (get_pspec (src, "timeout", G_TYPE_UINT));
  fail_unless_equals_int (pspec->minimum, 0);
  fail_unless_equals_int (pspec->maximum, G_MAXINT / 1000);
  fail_unless_equals_int (pspec->default_value, 1800);
  assert_blurb_states_range (G_PARAM_SPEC (pspec), "0 to 2147483");
  g_object_set (src, "timeout", (guint) 0, NULL);
  fail_unless_equals_int (get_uint (src, "timeout"), 0);
  g_object_set (src, "timeout", pspec->maximum, NULL);
  fail_unless_equals_int (get_uint (src, "timeout"), pspec->maximum);
  g_object_set (src, "timeout", pspec->maximum + 1, NULL);
  fail_unless_equals_int (get_uint (src, "timeout"), pspec->maximum + 1);

  gst_object_unref (src);
}

GST_END_TEST;

typedef struct
{
  const gchar *property;
  const gchar *type_name;
  const gchar *nicks[7];        /* NULL-terminated, in schema order */
  const gchar *default_nick;
} EnumCase;

static const EnumCase enum_cases[] = {
  {"ratio", "GstSeedanceRatio",
      {"21:9", "16:9", "4:3", "1:1", "3:4", "9:16", NULL}, "1:1"},
  {"resolution", "GstSeedanceResolution", {"480p", "720p", NULL}, "720p"},
};

GST_START_TEST (test_enums)
{
  const EnumCase *c = &enum_cases[__i__];
  GstElement *src;
  GParamSpec *pspec;
  GEnumClass *klass;
  guint i, n_nicks;

  src = gst_element_factory_make ("seedancesrc", NULL);
  fail_unless (src != NULL);

  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (src), c->property);
  fail_unless (pspec != NULL, "no property '%s'", c->property);
  fail_unless (G_IS_PARAM_SPEC_ENUM (pspec), "'%s' is not an enum",
      c->property);
  fail_unless_equals_string (g_type_name (G_PARAM_SPEC_VALUE_TYPE (pspec)),
      c->type_name);

  klass = g_type_class_ref (G_PARAM_SPEC_VALUE_TYPE (pspec));
  n_nicks = g_strv_length ((gchar **) c->nicks);
  fail_unless_equals_int (klass->n_values, n_nicks);
  fail_unless_equals_string (get_enum_nick (src, c->property), c->default_nick);

  for (i = 0; i < n_nicks; i++) {
    fail_unless (g_enum_get_value_by_nick (klass, c->nicks[i]) != NULL,
        "%s has no nick '%s'", c->type_name, c->nicks[i]);
    /* As gst-launch-1.0 sets it. */
    gst_util_set_object_arg (G_OBJECT (src), c->property, c->nicks[i]);
    fail_unless_equals_string (get_enum_nick (src, c->property), c->nicks[i]);
  }

  /* An unknown nick is refused where it is parsed (gst-launch-1.0 refuses
   * the line); a number that is no value is kept without a warning, for
   * start() to refuse (elements/ranges). */
  gst_util_set_object_arg (G_OBJECT (src), c->property, "2:1");
  fail_unless_equals_string (get_enum_nick (src, c->property),
      c->nicks[n_nicks - 1]);
  g_object_set (src, c->property, 1000, NULL);
  fail_unless_equals_int (get_int (src, c->property), 1000);

  g_type_class_unref (klass);
  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_array_properties)
{
  GstElement *src;
  const gchar *const images[] = { "https://example.com/a.png",
    "data:image/png;base64,iVBORw0KGgo=", "/tmp/c.png", NULL
  };
  const gchar *const audio[] = { "https://example.com/a.mp3",
    "https://example.com/b.mp3", NULL
  };
  const gchar *const empty[] = { NULL };
  GParamSpec *pspec;

  src = gst_element_factory_make ("seedancesrc", NULL);
  fail_unless (src != NULL);

  pspec = get_pspec (src, "reference-images", GST_TYPE_ARRAY);
  fail_unless (GST_IS_PARAM_SPEC_ARRAY_LIST (pspec));
  pspec = get_pspec (src, "audio-urls", GST_TYPE_ARRAY);
  fail_unless (GST_IS_PARAM_SPEC_ARRAY_LIST (pspec));

  seedance_test_set_string_array (src, "reference-images", images);
  assert_string_array_property (src, "reference-images", images);
  seedance_test_set_string_array (src, "reference-images", empty);
  assert_string_array_property (src, "reference-images", empty);

  /* gst-launch-1.0 syntax. */
  gst_util_set_object_arg (G_OBJECT (src), "audio-urls",
      "<\"https://example.com/a.mp3\", \"https://example.com/b.mp3\">");
  assert_string_array_property (src, "audio-urls", audio);

  gst_object_unref (src);
}

GST_END_TEST;

GST_START_TEST (test_api_key_masked)
{
  GstElement *src;
  gchar *value = NULL;

  src = gst_element_factory_make ("seedancesrc", NULL);
  fail_unless (src != NULL);

  assert_string_property (src, "api-key", NULL);
  g_object_set (src, "api-key", SEEDANCE_TEST_API_KEY, NULL);
  g_object_get (src, "api-key", &value, NULL);
  fail_unless (value != NULL, "a set key reads back as NULL");
  fail_unless (strstr (value, SEEDANCE_TEST_API_KEY) == NULL,
      "the key reads back in clear: '%s'", value);
  fail_unless_equals_string (value, "***");
  g_free (value);

  gst_object_unref (src);
}

GST_END_TEST;

/* MODELLIX_API_KEY and MODELLIX_BASE_URL give the defaults; the key from the
 * environment is masked, and used. */
GST_START_TEST (test_environment_defaults)
{
  SeedanceTestFixture *f;
  GPtrArray *requests;
  guint i, n_api = 0;

  f = fixture_new_slow ();
  g_setenv ("MODELLIX_API_KEY", SEEDANCE_TEST_API_KEY, TRUE);
  g_setenv ("MODELLIX_BASE_URL", seedance_emulator_get_api_origin
      (f->emulator), TRUE);

  seedance_test_fixture_launch_unconfigured (f,
      "seedancesrc name=src prompt=\"" PROMPT "\" poll-interval=50 "
      "! fakesink");
  assert_string_property (f->src, "api-key", "***");
  assert_string_property (f->src, "api-url",
      seedance_emulator_get_api_origin (f->emulator));

  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_PLAYING), GST_STATE_CHANGE_ASYNC);
  seedance_test_fixture_wait_requests (f, "POST", SEEDANCE_TEST_SUBMIT_PATH, 1);

  requests = seedance_emulator_get_requests (f->emulator);
  for (i = 0; i < requests->len; i++) {
    SeedanceEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->origin != SEEDANCE_EMULATOR_ORIGIN_API)
      continue;
    fail_unless_equals_string (r->authorization,
        "Bearer " SEEDANCE_TEST_API_KEY);
    n_api++;
  }
  fail_unless (n_api >= 1);
  g_ptr_array_unref (requests);

  seedance_test_fixture_free (f);
  g_unsetenv ("MODELLIX_API_KEY");
  g_unsetenv ("MODELLIX_BASE_URL");
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* Validation: each rule fails start() with a SETTINGS error naming the
 * property, and not one request reaches the emulator. */

typedef void (*ConfigureFunc) (SeedanceTestFixture * f, GstElement * src);

typedef struct
{
  const gchar *what;
  const gchar *property;        /* the error message must name it */
  ConfigureFunc configure;
} ValidationCase;

static void
set_prompt (GstElement * src)
{
  g_object_set (src, "prompt", PROMPT, NULL);
}

static void
configure_no_prompt (SeedanceTestFixture * f, GstElement * src)
{
}

static void
configure_empty_prompt (SeedanceTestFixture * f, GstElement * src)
{
  g_object_set (src, "prompt", "", NULL);
}

static void
configure_long_prompt (SeedanceTestFixture * f, GstElement * src)
{
  gchar *prompt = g_strnfill (10001, 'a');

  g_object_set (src, "prompt", prompt, NULL);
  g_free (prompt);
}

static void
configure_references_with_first_frame (SeedanceTestFixture * f,
    GstElement * src)
{
  const gchar *const refs[] = { "https://example.com/ref.png", NULL };

  set_prompt (src);
  seedance_test_set_string_array (src, "reference-images", refs);
  g_object_set (src, "first-frame-image", "https://example.com/first.png",
      NULL);
}

static void
configure_references_with_last_frame (SeedanceTestFixture * f, GstElement * src)
{
  const gchar *const refs[] = { "https://example.com/ref.png", NULL };

  set_prompt (src);
  seedance_test_set_string_array (src, "reference-images", refs);
  g_object_set (src, "last-frame-image", "https://example.com/last.png", NULL);
}

static void
configure_ten_references (SeedanceTestFixture * f, GstElement * src)
{
  gchar *refs[11];
  guint i;

  for (i = 0; i < 10; i++)
    refs[i] = g_strdup_printf ("https://example.com/ref-%u.png", i);
  refs[10] = NULL;

  set_prompt (src);
  seedance_test_set_string_array (src, "reference-images",
      (const gchar * const *) refs);
  for (i = 0; i < 10; i++)
    g_free (refs[i]);
}

static void
configure_four_audio_urls (SeedanceTestFixture * f, GstElement * src)
{
  const gchar *const urls[] = { "https://example.com/1.mp3",
    "https://example.com/2.mp3", "https://example.com/3.mp3",
    "https://example.com/4.mp3", NULL
  };

  set_prompt (src);
  seedance_test_set_string_array (src, "audio-urls", urls);
}

static void
configure_empty_reference (SeedanceTestFixture * f, GstElement * src)
{
  const gchar *const refs[] = { "https://example.com/ref.png", "", NULL };

  set_prompt (src);
  seedance_test_set_string_array (src, "reference-images", refs);
}

static void
configure_empty_audio_url (SeedanceTestFixture * f, GstElement * src)
{
  const gchar *const urls[] = { "", NULL };

  set_prompt (src);
  seedance_test_set_string_array (src, "audio-urls", urls);
}

static void
configure_ftp_audio_url (SeedanceTestFixture * f, GstElement * src)
{
  const gchar *const urls[] = { "https://example.com/1.mp3",
    "ftp://example.com/2.mp3", NULL
  };

  set_prompt (src);
  seedance_test_set_string_array (src, "audio-urls", urls);
}

static void
configure_file_audio_url (SeedanceTestFixture * f, GstElement * src)
{
  const gchar *const urls[] = { "file:///tmp/a.mp3", NULL };

  set_prompt (src);
  seedance_test_set_string_array (src, "audio-urls", urls);
}

static void
configure_missing_first_frame (SeedanceTestFixture * f, GstElement * src)
{
  gchar *path = seedance_test_fixture_path (f, "missing.png");

  set_prompt (src);
  g_object_set (src, "first-frame-image", path, NULL);
  g_free (path);
}

static void
configure_text_first_frame (SeedanceTestFixture * f, GstElement * src)
{
  static const gchar text[] = "this is a text file, not an image\n";
  gchar *path;

  /* The extension lies: the element must look at the bytes. */
  path = seedance_test_fixture_write_file (f, "text.png", text,
      sizeof (text) - 1);
  set_prompt (src);
  g_object_set (src, "first-frame-image", path, NULL);
  g_free (path);
}

static void
configure_huge_first_frame (SeedanceTestFixture * f, GstElement * src)
{
  static const gchar png_signature[] = "\x89PNG\r\n\x1a\n";
  gsize size = 10 * 1024 * 1024 + 1;
  gchar *contents, *path;

  contents = g_malloc0 (size);
  memcpy (contents, png_signature, sizeof (png_signature) - 1);
  path = seedance_test_fixture_write_file (f, "huge.png", contents, size);
  set_prompt (src);
  g_object_set (src, "first-frame-image", path, NULL);
  g_free (path);
  g_free (contents);
}

static void
configure_missing_last_frame (SeedanceTestFixture * f, GstElement * src)
{
  gchar *path = seedance_test_fixture_path (f, "missing-last.png");

  set_prompt (src);
  g_object_set (src, "last-frame-image", path, NULL);
  g_free (path);
}

static void
configure_missing_reference (SeedanceTestFixture * f, GstElement * src)
{
  gchar *path = seedance_test_fixture_path (f, "missing-ref.png");
  const gchar *refs[] = { "https://example.com/ref.png", path, NULL };

  set_prompt (src);
  seedance_test_set_string_array (src, "reference-images", refs);
  g_free (path);
}

/* Sets the prompt and api-url = prefix + emulator host:port + suffix. */
static void
set_api_url (SeedanceTestFixture * f, GstElement * src, const gchar * prefix,
    const gchar * suffix)
{
  const gchar *origin = seedance_emulator_get_api_origin (f->emulator);
  gchar *url;

  fail_unless (g_str_has_prefix (origin, "http://"));
  set_prompt (src);
  url = g_strconcat (prefix, origin + strlen ("http://"), suffix, NULL);
  g_object_set (src, "api-url", url, NULL);
  g_free (url);
}

static void
configure_api_url_path (SeedanceTestFixture * f, GstElement * src)
{
  set_api_url (f, src, "http://", "/api");
}

static void
configure_api_url_query (SeedanceTestFixture * f, GstElement * src)
{
  set_api_url (f, src, "http://", "/?region=eu");
}

static void
configure_api_url_fragment (SeedanceTestFixture * f, GstElement * src)
{
  set_api_url (f, src, "http://", "#top");
}

static void
configure_api_url_credentials (SeedanceTestFixture * f, GstElement * src)
{
  set_api_url (f, src, "http://user:secret@", "");
}

static void
configure_api_url_scheme (SeedanceTestFixture * f, GstElement * src)
{
  set_api_url (f, src, "ftp://", "");
}

static void
configure_api_url_plain_http (SeedanceTestFixture * f, GstElement * src)
{
  set_prompt (src);
  g_object_set (src, "api-url", "http://example.com", NULL);
}

static void
configure_api_url_garbage (SeedanceTestFixture * f, GstElement * src)
{
  set_prompt (src);
  g_object_set (src, "api-url", "not a url", NULL);
}

static void
configure_empty_api_key (SeedanceTestFixture * f, GstElement * src)
{
  set_prompt (src);
  g_object_set (src, "api-key", "", NULL);
}

static void
configure_no_api_key (SeedanceTestFixture * f, GstElement * src)
{
  set_prompt (src);
  g_object_set (src, "api-key", NULL, NULL);
}

/* An empty shell variable ("task-id=$ID") is no task to resume: paying
 * for a new one instead is not what was asked. */
static void
configure_empty_task_id (SeedanceTestFixture * f, GstElement * src)
{
  set_prompt (src);
  g_object_set (src, "task-id", "", NULL);
}

/* blocksize=0 would pay, then fail in the first create(). */
static void
configure_zero_blocksize (SeedanceTestFixture * f, GstElement * src)
{
  set_prompt (src);
  g_object_set (src, "blocksize", 0u, NULL);
}

static const ValidationCase validation_cases[] = {
  {"no prompt", "prompt", configure_no_prompt},
  {"empty prompt", "prompt", configure_empty_prompt},
  {"prompt of 10001 characters", "prompt", configure_long_prompt},
  {"reference images with a first frame", "reference-images",
      configure_references_with_first_frame},
  {"reference images with a last frame", "reference-images",
      configure_references_with_last_frame},
  {"ten reference images", "reference-images", configure_ten_references},
  {"four audio URLs", "audio-urls", configure_four_audio_urls},
  {"an empty reference image", "reference-images", configure_empty_reference},
  {"an empty audio URL", "audio-urls", configure_empty_audio_url},
  {"an ftp audio URL", "audio-urls", configure_ftp_audio_url},
  {"a file audio URL", "audio-urls", configure_file_audio_url},
  {"a missing first frame file", "first-frame-image",
      configure_missing_first_frame},
  {"a text file as first frame", "first-frame-image",
      configure_text_first_frame},
  {"a first frame file over 10 MiB", "first-frame-image",
      configure_huge_first_frame},
  {"a missing last frame file", "last-frame-image",
      configure_missing_last_frame},
  {"a missing reference image file", "reference-images",
      configure_missing_reference},
  {"an api-url with a path", "api-url", configure_api_url_path},
  {"an api-url with a query", "api-url", configure_api_url_query},
  {"an api-url with a fragment", "api-url", configure_api_url_fragment},
  {"an api-url with credentials", "api-url", configure_api_url_credentials},
  {"an api-url with an ftp scheme", "api-url", configure_api_url_scheme},
  {"an api-url in plain http to a remote host", "api-url",
      configure_api_url_plain_http},
  {"an api-url that is no URL", "api-url", configure_api_url_garbage},
  {"an empty api-key", "api-key", configure_empty_api_key},
  {"no api-key", "api-key", configure_no_api_key},
  {"an empty task-id", "'task-id'", configure_empty_task_id},
  {"a blocksize of 0", "'blocksize'", configure_zero_blocksize},
};

GST_START_TEST (test_validation)
{
  const ValidationCase *c = &validation_cases[__i__];
  SeedanceTestFixture *f;
  GstMessage *msg;

  GST_INFO ("validation case: %s", c->what);

  f = seedance_test_fixture_new (NULL);
  seedance_test_fixture_launch_fakesink (f);
  c->configure (f, f->src);

  msg = seedance_test_fixture_fail_to_start (f);
  seedance_test_assert_error (msg, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, c->property);
  fail_unless (GST_MESSAGE_SRC (msg) == GST_OBJECT (f->src),
      "the error came from %s", GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)));
  gst_message_unref (msg);

  fail_unless_equals_int (seedance_test_fixture_count_requests (f, NULL,
          NULL), 0);

  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* The limits themselves are accepted and reach the service intact. */
typedef struct
{
  const gchar *what;
  ConfigureFunc configure;
  const gchar *member;          /* body member to check */
  guint expected_length;        /* characters of a string, items of an array */
} AcceptedCase;

static void
configure_prompt_of_10000 (SeedanceTestFixture * f, GstElement * src)
{
  gchar *prompt = g_strnfill (10000, 'a');

  g_object_set (src, "prompt", prompt, NULL);
  g_free (prompt);
}

static void
configure_prompt_of_10000_utf8 (SeedanceTestFixture * f, GstElement * src)
{
  GString *prompt = g_string_new (NULL);
  guint i;

  /* 10000 characters, 20000 bytes. */
  for (i = 0; i < 10000; i++)
    g_string_append (prompt, "\xc3\xa9");
  g_object_set (src, "prompt", prompt->str, NULL);
  g_string_free (prompt, TRUE);
}

static void
configure_nine_references (SeedanceTestFixture * f, GstElement * src)
{
  gchar *refs[10];
  guint i;

  for (i = 0; i < 9; i++)
    refs[i] = g_strdup_printf ("https://example.com/ref-%u.png", i);
  refs[9] = NULL;

  set_prompt (src);
  seedance_test_set_string_array (src, "reference-images",
      (const gchar * const *) refs);
  for (i = 0; i < 9; i++)
    g_free (refs[i]);
}

static void
configure_three_audio_urls (SeedanceTestFixture * f, GstElement * src)
{
  const gchar *const urls[] = { "https://example.com/1.mp3",
    "http://example.com/2.mp3", "https://example.com/3.mp3", NULL
  };

  set_prompt (src);
  seedance_test_set_string_array (src, "audio-urls", urls);
}

static void
configure_localhost_api_url (SeedanceTestFixture * f, GstElement * src)
{
  const gchar *origin = seedance_emulator_get_api_origin (f->emulator);
  gchar *url;

  /* Plain http is fine on a loopback host name. */
  set_prompt (src);
  url = g_strconcat ("http://localhost", strrchr (origin, ':'), NULL);
  g_object_set (src, "api-url", url, NULL);
  g_free (url);
}

static const AcceptedCase accepted_cases[] = {
  {"a prompt of 10000 characters", configure_prompt_of_10000, "prompt",
      10000},
  {"a prompt of 10000 two-byte characters", configure_prompt_of_10000_utf8,
      "prompt", 10000},
  {"nine reference images", configure_nine_references, "reference_images", 9},
  {"three audio URLs", configure_three_audio_urls, "audio_urls", 3},
  {"http on localhost", configure_localhost_api_url, "prompt",
      sizeof (PROMPT) - 1},
};

GST_START_TEST (test_accepted_limits)
{
  const AcceptedCase *c = &accepted_cases[__i__];
  SeedanceTestFixture *f;
  JsonNode *body;
  JsonNode *member;

  GST_INFO ("accepted case: %s", c->what);

  f = fixture_new_slow ();
  seedance_test_fixture_launch_fakesink (f);
  c->configure (f, f->src);

  body = submit_and_get_body (f);
  member = json_object_get_member (json_node_get_object (body), c->member);
  fail_unless (member != NULL, "no '%s' in the body", c->member);
  if (JSON_NODE_HOLDS_ARRAY (member)) {
    fail_unless_equals_int (json_array_get_length (json_node_get_array
            (member)), c->expected_length);
  } else {
    fail_unless_equals_int (g_utf8_strlen (json_node_get_string (member), -1),
        c->expected_length);
  }
  json_node_unref (body);

  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* The request body */

/* Every field but reference_images, with its JSON type. */
GST_START_TEST (test_body_every_field_with_frames)
{
  SeedanceTestFixture *f;
  JsonNode *body;
  JsonObject *obj;
  gchar *first_path, *first_uri;
  const gchar *const audio[] = { "https://example.com/a.mp3",
    "http://example.com/b.wav", NULL
  };

  f = fixture_new_slow ();
  first_path = seedance_test_fixture_write_image (f, "first.png", "pngenc");
  first_uri = seedance_test_data_uri_for_file (first_path, "image/png");

  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src,
      "prompt", PROMPT,
      "first-frame-image", first_path,
      "last-frame-image", "https://example.com/last.png",
      "camera-fixed", TRUE,
      "generate-audio", FALSE,
      "return-last-frame", TRUE,
      "duration", 15,
      "execution-expires-after", 3600,
      "seed", G_GINT64_CONSTANT (4294967295), NULL);
  gst_util_set_object_arg (G_OBJECT (f->src), "ratio", "21:9");
  gst_util_set_object_arg (G_OBJECT (f->src), "resolution", "480p");
  seedance_test_set_string_array (f->src, "audio-urls", audio);

  body = submit_and_get_body (f);
  obj = json_node_get_object (body);

  assert_json_string (obj, "prompt", PROMPT);
  assert_json_string (obj, "first_frame_image", first_uri);
  assert_json_string (obj, "last_frame_image", "https://example.com/last.png");
  assert_json_string_array (obj, "audio_urls", audio);
  assert_json_boolean (obj, "camera_fixed", TRUE);
  assert_json_int (obj, "duration", 15);
  assert_json_int (obj, "execution_expires_after", 3600);
  assert_json_boolean (obj, "generate_audio", FALSE);
  assert_json_string (obj, "ratio", "21:9");
  assert_json_string (obj, "resolution", "480p");
  assert_json_boolean (obj, "return_last_frame", TRUE);
  assert_json_int (obj, "seed", G_GINT64_CONSTANT (4294967295));
  fail_unless (!json_object_has_member (obj, "reference_images"));
  fail_unless_equals_int (json_object_get_size (obj), 12);

  json_node_unref (body);
  g_free (first_uri);
  g_free (first_path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* reference_images, mixing a local file, a URL and a data URI. */
GST_START_TEST (test_body_reference_images)
{
  SeedanceTestFixture *f;
  JsonNode *body;
  JsonObject *obj;
  gchar *ref_path, *ref_uri, *jpeg_path, *jpeg_uri;
  const gchar *refs[4];
  const gchar *expected[4];

  f = fixture_new_slow ();
  ref_path = seedance_test_fixture_write_image (f, "ref.png", "pngenc");
  ref_uri = seedance_test_data_uri_for_file (ref_path, "image/png");
  jpeg_path = seedance_test_fixture_write_image (f, "ref.jpg", "jpegenc");
  jpeg_uri = seedance_test_data_uri_for_file (jpeg_path, "image/jpeg");

  refs[0] = ref_path;
  refs[1] = "https://example.com/ref.png";
  refs[2] = jpeg_uri;
  refs[3] = NULL;
  expected[0] = ref_uri;
  expected[1] = "https://example.com/ref.png";
  expected[2] = jpeg_uri;
  expected[3] = NULL;

  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", PROMPT, "duration", 4,
      "execution-expires-after", 259200, "seed", (gint64) 0, NULL);
  gst_util_set_object_arg (G_OBJECT (f->src), "ratio", "4:3");
  seedance_test_set_string_array (f->src, "reference-images", refs);

  body = submit_and_get_body (f);
  obj = json_node_get_object (body);

  assert_json_string (obj, "prompt", PROMPT);
  assert_json_string_array (obj, "reference_images", expected);
  assert_json_int (obj, "duration", 4);
  assert_json_int (obj, "execution_expires_after", 259200);
  assert_json_int (obj, "seed", 0);
  assert_json_string (obj, "ratio", "4:3");
  fail_unless_equals_int (json_object_get_size (obj), 6);

  json_node_unref (body);
  g_free (jpeg_uri);
  g_free (jpeg_path);
  g_free (ref_uri);
  g_free (ref_path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

GST_START_TEST (test_body_prompt_only)
{
  SeedanceTestFixture *f;
  JsonNode *body;
  JsonObject *obj;

  f = fixture_new_slow ();
  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", PROMPT, NULL);

  body = submit_and_get_body (f);
  obj = json_node_get_object (body);
  assert_json_string (obj, "prompt", PROMPT);
  fail_unless_equals_int (json_object_get_size (obj), 1);

  json_node_unref (body);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* A local image arrives as the exact base64 of the file, with the mime type
 * of its bytes whatever its name says. */
typedef struct
{
  const gchar *encoder;
  const gchar *file_name;
  const gchar *mime;
} LocalImageCase;

static const LocalImageCase local_image_cases[] = {
  {"pngenc", "frame.png", "image/png"},
  {"pngenc", "frame.jpg", "image/png"},
  {"jpegenc", "frame", "image/jpeg"},
};

GST_START_TEST (test_local_first_frame_base64)
{
  const LocalImageCase *c = &local_image_cases[__i__];
  SeedanceTestFixture *f;
  JsonNode *body;
  gchar *path, *contents, *b64, *expected;
  gsize length;

  f = fixture_new_slow ();
  path = seedance_test_fixture_write_image (f, c->file_name, c->encoder);
  fail_unless (g_file_get_contents (path, &contents, &length, NULL));
  if (g_str_equal (c->mime, "image/png"))
    fail_unless (length > 8 && memcmp (contents, "\x89PNG", 4) == 0);
  else
    fail_unless (length > 3 && memcmp (contents, "\xff\xd8\xff", 3) == 0);
  b64 = g_base64_encode ((const guchar *) contents, length);
  expected = g_strconcat ("data:", c->mime, ";base64,", b64, NULL);

  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", PROMPT, "first-frame-image", path, NULL);

  body = submit_and_get_body (f);
  assert_json_string (json_node_get_object (body), "first_frame_image",
      expected);

  json_node_unref (body);
  g_free (expected);
  g_free (b64);
  g_free (contents);
  g_free (path);
  seedance_test_fixture_free (f);
}

GST_END_TEST;

/* ------------------------------------------------------------------------ */
/* The key */

/* The key goes to the API origin as a bearer token, never to the files
 * origin, and the task id is announced. */
GST_START_TEST (test_key_only_to_api_origin)
{
  SeedanceTestFixture *f;
  GPtrArray *requests;
  guint i, n_api = 0, n_files = 0;
  gchar *task_id;

  f = seedance_test_fixture_new (NULL);
  seedance_test_fixture_launch_fakesink (f);
  g_object_set (f->src, "prompt", PROMPT, "duration", 4,
      "generate-audio", FALSE, NULL);
  gst_util_set_object_arg (G_OBJECT (f->src), "resolution", "480p");

  seedance_test_fixture_run_to_eos (f);
  seedance_test_fixture_expect_requests (f, "POST", NULL, 1);
  seedance_test_fixture_wait_requests (f, "GET", SEEDANCE_TEST_FILES_PATH, 1);

  requests = seedance_emulator_get_requests (f->emulator);
  for (i = 0; i < requests->len; i++) {
    SeedanceEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->origin == SEEDANCE_EMULATOR_ORIGIN_API) {
      fail_unless_equals_string (r->authorization,
          "Bearer " SEEDANCE_TEST_API_KEY);
      n_api++;
    } else {
      fail_unless (r->authorization == NULL,
          "%s %s on the files origin carried Authorization: %s", r->method,
          r->path, r->authorization);
      fail_unless (r->query == NULL
          || strstr (r->query, SEEDANCE_TEST_API_KEY) == NULL);
      n_files++;
    }
  }
  g_ptr_array_unref (requests);

  /* One submission, at least one poll, at least one download. */
  fail_unless (n_api >= 2, "only %u requests to the API", n_api);
  fail_unless (n_files >= 1, "nothing downloaded from the files origin");

  task_id = seedance_test_fixture_get_task_id (f);
  fail_unless (task_id != NULL && *task_id != '\0');
  g_free (task_id);
  g_mutex_lock (&f->lock);
  fail_unless (f->task_id_notifies >= 1, "notify::task-id never fired");
  g_mutex_unlock (&f->lock);

  seedance_test_fixture_free (f);
}

GST_END_TEST;

static Suite *
seedancesrc_suite (void)
{
  Suite *s = suite_create ("seedancesrc");
  TCase *tc;

  tc = tcase_create ("properties");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_factory);
  tcase_add_test (tc, test_defaults);
  tcase_add_test (tc, test_string_properties);
  tcase_add_test (tc, test_boolean_properties);
  tcase_add_loop_test (tc, test_int_ranges, 0, G_N_ELEMENTS (int_ranges));
  tcase_add_test (tc, test_seed_range);
  tcase_add_test (tc, test_poll_interval_and_timeout_ranges);
  tcase_add_loop_test (tc, test_enums, 0, G_N_ELEMENTS (enum_cases));
  tcase_add_test (tc, test_array_properties);
  tcase_add_test (tc, test_api_key_masked);
  tcase_add_test (tc, test_environment_defaults);

  tc = tcase_create ("validation");
  suite_add_tcase (s, tc);
  tcase_add_loop_test (tc, test_validation, 0, G_N_ELEMENTS (validation_cases));
  tcase_add_loop_test (tc, test_accepted_limits, 0,
      G_N_ELEMENTS (accepted_cases));

  tc = tcase_create ("request");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_body_every_field_with_frames);
  tcase_add_test (tc, test_body_reference_images);
  tcase_add_test (tc, test_body_prompt_only);
  tcase_add_loop_test (tc, test_local_first_frame_base64, 0,
      G_N_ELEMENTS (local_image_cases));
  tcase_add_test (tc, test_key_only_to_api_origin);

  return s;
}

SEEDANCE_CHECK_MAIN (seedancesrc);
