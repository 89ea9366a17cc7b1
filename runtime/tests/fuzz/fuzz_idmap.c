/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for id maps: linux.uidMappings/gidMappings and the mounts' own, parsed and
 * validated by silo_spec_parse, then formatted by silo_ns_format_map as written to
 * /proc/PID/{uid,gid}_map. Input: members of the top-level config object, wrapped as
 * {"ociVersion":..,"root":..,<input>}. The text must read back as the same entries. */
#include "fuzz.h"

#include "ns.h"
#include "spec.h"
#include "util/error.h"

#define PREFIX "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"

static const char *read_u32(const char *p, char end, uint32_t *ret)
{
	char *e;
	unsigned long v;

	FUZZ_CHECK(*p >= '0' && *p <= '9');
	v = strtoul(p, &e, 10);
	FUZZ_CHECK(*e == end && v <= UINT32_MAX);
	*ret = (uint32_t)v;
	return e + 1;
}

static void check_map(const struct silo_id_maps *m)
{
	size_t len = 0;
	char *text = silo_ns_format_map(m, &len);
	const char *p = text;

	FUZZ_CHECK(text && strlen(text) == len);
	for (size_t i = 0; i < m->n; i++) {
		struct silo_id_map e;
		FUZZ_CHECK(m->v[i].size > 0);
		p = read_u32(p, ' ', &e.container_id);
		p = read_u32(p, ' ', &e.host_id);
		p = read_u32(p, '\n', &e.size);
		FUZZ_CHECK(e.container_id == m->v[i].container_id && e.host_id == m->v[i].host_id &&
			   e.size == m->v[i].size);
	}
	FUZZ_CHECK(p == text + len);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error err = { 0 };
	struct silo_spec *s;
	size_t len;
	char *doc;

	if (size > SILO_SPEC_MAX_BYTES)
		return 0;
	doc = fuzz_wrap(PREFIX, data, size, "}", &len);
	s = silo_spec_parse(doc, len, "config.json", "/bundle", &err);
	free(doc);
	FUZZ_CHECK(s || err.msg[0]);
	if (!s)
		return 0;
	check_map(&s->linux.uid_mappings);
	check_map(&s->linux.gid_mappings);
	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct silo_mount *m = &s->mounts[i];
		FUZZ_CHECK(!m->uid_mappings.v == !m->gid_mappings.v);
		check_map(&m->uid_mappings);
		check_map(&m->gid_mappings);
	}
	silo_spec_free(s);
	return 0;
}
