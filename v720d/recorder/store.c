/*
 * What is on disk: per camera its segments and events, loaded from the
 * day indexes at start (and rebuilt from the files where an index is
 * missing or behind), retention by age and total size, the free-space
 * floor.
 */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "mux.h"
#include "recorder.h"

#define INDEX_READ_MAX	(8 * 1024 * 1024)

static int
rcam_cmp(struct rcam *a, struct rcam *b)
{
	return strcmp(a->rc_id, b->rc_id);
}
RB_GENERATE(rcamtree, rcam, rc_entry, rcam_cmp);

int
store_valid_id(const char *id)
{
	size_t	i, n = strlen(id);

	if (n == 0 || n >= V720_ID_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)id[i]) && id[i] != '_' &&
		    id[i] != '-')
			return 0;
	return id[0] != '-';
}

static int
valid_day(const char *s)
{
	int	i;

	if (strlen(s) != 10)
		return 0;
	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' :
		    !isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

struct rcam *
rcam_find(const char *id)
{
	struct rcam	key;

	if (strlcpy(key.rc_id, id, sizeof(key.rc_id)) >= sizeof(key.rc_id))
		return NULL;
	return RB_FIND(rcamtree, &rec->r_cams, &key);
}

struct rcam *
rcam_get(const char *id)
{
	struct rcam	*rc;

	if ((rc = rcam_find(id)) != NULL)
		return rc;
	if (!store_valid_id(id) || rec->r_ncams >= REC_MAX_CAMERAS)
		return NULL;
	if ((rc = calloc(1, sizeof(*rc))) == NULL)
		fatal("%s", __func__);
	strlcpy(rc->rc_id, id, sizeof(rc->rc_id));
	TAILQ_INIT(&rc->rc_segs);
	TAILQ_INIT(&rc->rc_events);
	RB_INSERT(rcamtree, &rec->r_cams, rc);
	rec->r_ncams++;
	return rc;
}

/* Local date and time of a wall-clock instant: "YYYY-MM-DD", "HH-MM-SS". */
int
store_day_of(int64_t us, char *day, size_t daysz, char *hms, size_t hmssz)
{
	struct tm	tm;
	time_t		t = us / 1000000;

	if (localtime_r(&t, &tm) == NULL)
		return -1;
	if (day != NULL)
		strftime(day, daysz, "%Y-%m-%d", &tm);
	if (hms != NULL)
		strftime(hms, hmssz, "%H-%M-%S", &tm);
	return 0;
}

static int
mkdirs(const char *id, const char *day)
{
	char	path[64];

	if (mkdir(id, 0750) == -1 && errno != EEXIST)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", id, day);
	if (mkdir(path, 0750) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

static void
index_append(const char *id, const char *day, const char *line, size_t len)
{
	char	path[320];
	int	fd;

	if (mkdirs(id, day) == -1) {
		log_warn("%s/%s", id, day);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s/%s", id, day, INDEX_NAME);
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0640)) == -1) {
		log_warn("%s", path);
		return;
	}
	if (write(fd, line, len) != (ssize_t)len)
		log_warn("%s", path);
	close(fd);
}

/* Keep the list sorted by start: appends are the usual case. */
void
store_add_seg(struct rcam *rc, struct rseg *s)
{
	struct rseg	*o;

	TAILQ_FOREACH_REVERSE(o, &rc->rc_segs, rsegs, s_entry)
		if (o->s.start_ms <= s->s.start_ms)
			break;
	if (o == NULL)
		TAILQ_INSERT_HEAD(&rc->rc_segs, s, s_entry);
	else
		TAILQ_INSERT_AFTER(&rc->rc_segs, o, s, s_entry);
	rec->r_total_bytes += s->s.bytes;
}

void
store_seg_closed(struct rcam *rc, struct rseg *s)
{
	char	line[INDEX_LINE_MAX + 1];
	int	n;

	if ((n = index_fmt_seg(line, sizeof(line), &s->s)) != -1)
		index_append(rc->rc_id, s->s_day, line, n);
}

static void
event_drop(struct rcam *rc, struct revt *e)
{
	TAILQ_REMOVE(&rc->rc_events, e, e_entry);
	rc->rc_nevents--;
	if (rc->rc_event == e)
		rc->rc_event = NULL;
	free(e);
}

void
store_add_event(struct rcam *rc, struct revt *e)
{
	struct revt	*o;

	TAILQ_FOREACH_REVERSE(o, &rc->rc_events, revts, e_entry)
		if (o->e.start_ms <= e->e.start_ms)
			break;
	if (o != NULL && o->e.start_ms == e->e.start_ms) {
		/* A later line of the same event. */
		o->e = e->e;
		free(e);
		return;
	}
	if (o == NULL)
		TAILQ_INSERT_HEAD(&rc->rc_events, e, e_entry);
	else
		TAILQ_INSERT_AFTER(&rc->rc_events, o, e, e_entry);
	if (++rc->rc_nevents > REC_MAX_EVENTS)
		event_drop(rc, TAILQ_FIRST(&rc->rc_events));
}

void
store_event_changed(struct rcam *rc, struct revt *e)
{
	char	line[INDEX_LINE_MAX + 1];
	int	n;

	if ((n = index_fmt_event(line, sizeof(line), &e->e)) != -1)
		index_append(rc->rc_id, e->e_day, line, n);
}

/* Loading. */

struct scanday {
	struct rcam	*rc;
	const char	*day;
	int		 dirty;
};

static struct rseg *
seg_find(struct rcam *rc, const char *day, const char *file)
{
	struct rseg	*s;

	TAILQ_FOREACH(s, &rc->rc_segs, s_entry)
		if (strcmp(s->s_day, day) == 0 && strcmp(s->s.file, file) == 0)
			return s;
	return NULL;
}

static void
scan_seg_cb(void *arg, const struct idx_seg *is)
{
	struct scanday	*sd = arg;
	struct rseg	*s;

	if ((s = seg_find(sd->rc, sd->day, is->file)) != NULL) {
		rec->r_total_bytes -= s->s.bytes;
		s->s = *is;
		rec->r_total_bytes += s->s.bytes;
		return;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		fatal("%s", __func__);
	strlcpy(s->s_day, sd->day, sizeof(s->s_day));
	s->s = *is;
	store_add_seg(sd->rc, s);
}

static void
scan_event_cb(void *arg, const struct idx_event *ie)
{
	struct scanday	*sd = arg;
	struct revt	*e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		fatal("%s", __func__);
	strlcpy(e->e_day, sd->day, sizeof(e->e_day));
	e->e = *ie;
	if (e->e.end_ms == 0)
		e->e.end_ms = e->e.start_ms;	/* cut by a restart */
	store_add_event(sd->rc, e);
}

static void
read_index(struct scanday *sd, int dfd)
{
	struct idx_cb	 cb = { scan_seg_cb, scan_event_cb, sd };
	struct stat	 st;
	char		*buf;
	ssize_t		 n;
	int		 fd;

	if ((fd = openat(dfd, INDEX_NAME, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			log_info("%s/%s: no index, rebuilding it from the "
			    "files", sd->rc->rc_id, sd->day);
		sd->dirty = 1;
		return;
	}
	if (fstat(fd, &st) == -1 || st.st_size > INDEX_READ_MAX ||
	    (buf = malloc(st.st_size + 1)) == NULL) {
		close(fd);
		sd->dirty = 1;
		return;
	}
	if ((n = read(fd, buf, st.st_size)) >= 0)
		index_parse(buf, n, &cb);
	free(buf);
	close(fd);
}

/* A segment the index does not know (cut by a crash): read it through. */
static void
probe_seg(struct scanday *sd, const char *name, struct stat *st)
{
	struct idx_seg	 is;
	struct demux	*d;
	const uint8_t	*p;
	size_t		 len;
	int64_t		 us, first = -1, last = -1;
	char		 path[320];

	snprintf(path, sizeof(path), "%s/%s/%s", sd->rc->rc_id, sd->day, name);
	if ((d = demux_open(path)) == NULL) {
		log_warnx("%s: not a readable segment, left alone", path);
		return;
	}
	memset(&is, 0, sizeof(is));
	while (demux_next(d, &p, &len, &us) == 1) {
		if (first == -1)
			first = us;
		last = us;
		is.frames++;
	}
	if (first == -1)
		first = last = demux_start_us(d);
	demux_close(d);
	strlcpy(is.file, name, sizeof(is.file));
	is.start_ms = first / 1000;
	is.end_ms = last / 1000;
	is.bytes = st->st_size;
	scan_seg_cb(sd, &is);
	log_info("%s: recovered, %llu frames", path,
	    (unsigned long long)is.frames);
	sd->dirty = 1;
}

static void
index_rewrite(struct rcam *rc, const char *day)
{
	struct rseg	*s;
	struct revt	*e;
	char		 path[320], tmp[330], line[INDEX_LINE_MAX + 1];
	FILE		*f;
	int		 fd, n, any = 0;

	snprintf(path, sizeof(path), "%s/%s/%s", rc->rc_id, day, INDEX_NAME);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0640)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		if (fd != -1)
			close(fd);
		log_warn("%s", tmp);
		return;
	}
	TAILQ_FOREACH(s, &rc->rc_segs, s_entry)
		if (!s->s_open && strcmp(s->s_day, day) == 0 &&
		    (n = index_fmt_seg(line, sizeof(line), &s->s)) != -1) {
			fwrite(line, 1, n, f);
			any = 1;
		}
	TAILQ_FOREACH(e, &rc->rc_events, e_entry)
		if (strcmp(e->e_day, day) == 0 &&
		    (n = index_fmt_event(line, sizeof(line), &e->e)) != -1) {
			fwrite(line, 1, n, f);
			any = 1;
		}
	if (fclose(f) != 0 || rename(tmp, path) == -1) {
		log_warn("%s", path);
		unlink(tmp);
		return;
	}
	if (!any) {
		/* Nothing left of the day: the directory goes too. */
		unlink(path);
		snprintf(path, sizeof(path), "%s/%s", rc->rc_id, day);
		rmdir(path);
	}
}

static void
scan_day(struct rcam *rc, int cfd, const char *day)
{
	struct scanday	 sd = { rc, day, 0 };
	struct dirent	*de;
	struct stat	 st;
	struct rseg	*s, *next;
	struct revt	*e;
	DIR		*dir;
	int		 dfd, found;

	if ((dfd = openat(cfd, day, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return;
	read_index(&sd, dfd);
	if ((dir = fdopendir(dfd)) == NULL) {
		close(dfd);
		return;
	}
	while ((de = readdir(dir)) != NULL) {
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISREG(st.st_mode))
			continue;
		if (index_valid_segname(de->d_name)) {
			if ((s = seg_find(rc, day, de->d_name)) == NULL)
				probe_seg(&sd, de->d_name, &st);
			else if ((uint64_t)st.st_size != s->s.bytes) {
				rec->r_total_bytes += st.st_size - s->s.bytes;
				s->s.bytes = st.st_size;
			}
		} else if (index_valid_thumbname(de->d_name)) {
			found = 0;
			TAILQ_FOREACH(e, &rc->rc_events, e_entry)
				if (strcmp(e->e_day, day) == 0 &&
				    strcmp(e->e.thumb, de->d_name) == 0)
					found = 1;
			if (!found) {
				struct idx_event ie;

				memset(&ie, 0, sizeof(ie));
				ie.start_ms = strtoll(de->d_name + 3, NULL, 10);
				ie.end_ms = ie.start_ms;
				strlcpy(ie.thumb, de->d_name, sizeof(ie.thumb));
				scan_event_cb(&sd, &ie);
				sd.dirty = 1;
			}
		}
	}
	/* Index lines of files that are gone. */
	TAILQ_FOREACH_SAFE(s, &rc->rc_segs, s_entry, next) {
		if (strcmp(s->s_day, day) != 0 ||
		    fstatat(dfd, s->s.file, &st, 0) == 0)
			continue;
		TAILQ_REMOVE(&rc->rc_segs, s, s_entry);
		rec->r_total_bytes -= s->s.bytes;
		free(s);
		sd.dirty = 1;
	}
	closedir(dir);
	if (sd.dirty)
		index_rewrite(rc, day);
}

void
store_scan(void)
{
	struct dirent	*de, *dd;
	struct rcam	*rc;
	DIR		*top, *cam;
	int		 cfd;

	if ((top = opendir(".")) == NULL) {
		log_warn("recordings directory");
		return;
	}
	while ((de = readdir(top)) != NULL) {
		if (!store_valid_id(de->d_name) ||
		    (cfd = openat(dirfd(top), de->d_name, O_RDONLY |
		    O_DIRECTORY | O_CLOEXEC)) == -1)
			continue;
		if ((rc = rcam_get(de->d_name)) == NULL ||
		    (cam = fdopendir(cfd)) == NULL) {
			close(cfd);
			continue;
		}
		while ((dd = readdir(cam)) != NULL)
			if (valid_day(dd->d_name))
				scan_day(rc, dirfd(cam), dd->d_name);
		closedir(cam);
	}
	closedir(top);
	log_info("recordings: %zu cameras, %llu MB", rec->r_ncams,
	    (unsigned long long)(rec->r_total_bytes >> 20));
}

/* Retention. */

static void
seg_delete(struct rcam *rc, struct rseg *s, const char *why)
{
	char	path[320];

	snprintf(path, sizeof(path), "%s/%s/%s", rc->rc_id, s->s_day,
	    s->s.file);
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("unlink %s", path);
	log_debug("deleted %s (%s)", path, why);
	TAILQ_REMOVE(&rc->rc_segs, s, s_entry);
	rec->r_total_bytes -= s->s.bytes;
	rec->r_deleted++;
	free(s);
}

static void
event_delete(struct rcam *rc, struct revt *e)
{
	char	path[320];

	snprintf(path, sizeof(path), "%s/%s/%s", rc->rc_id, e->e_day,
	    e->e.thumb);
	unlink(path);
	event_drop(rc, e);
}

/* Oldest closed segment of all cameras. */
static struct rseg *
oldest(struct rcam **rcp)
{
	struct rcam	*rc;
	struct rseg	*s, *best = NULL;

	RB_FOREACH(rc, rcamtree, &rec->r_cams) {
		if ((s = TAILQ_FIRST(&rc->rc_segs)) == NULL || s->s_open)
			continue;
		if (best == NULL || s->s.start_ms < best->s.start_ms) {
			best = s;
			*rcp = rc;
		}
	}
	return best;
}

static void
touch_day(char days[][12], size_t *n, size_t max, const char *day)
{
	size_t	i;

	for (i = 0; i < *n; i++)
		if (strcmp(days[i], day) == 0)
			return;
	if (*n < max)
		strlcpy(days[(*n)++], day, 12);
}

void
store_retention(void)
{
	struct rcam	*rc, *orc = NULL;
	struct rseg	*s, *next;
	struct revt	*e, *enext;
	struct rcam	*owners[64];
	int64_t		 cutoff = 0;
	char		 days[64][12];
	size_t		 ndays, i;

	if (rec->r_cfg.cr_keep_s > 0)
		cutoff = rec_wall_us() / 1000 -
		    (int64_t)rec->r_cfg.cr_keep_s * 1000;
	RB_FOREACH(rc, rcamtree, &rec->r_cams) {
		if (cutoff == 0)
			break;
		ndays = 0;
		TAILQ_FOREACH_SAFE(s, &rc->rc_segs, s_entry, next) {
			if (s->s_open || s->s.end_ms >= cutoff)
				break;
			touch_day(days, &ndays, 64, s->s_day);
			seg_delete(rc, s, "age");
		}
		TAILQ_FOREACH_SAFE(e, &rc->rc_events, e_entry, enext) {
			if (e == rc->rc_event || e->e.start_ms >= cutoff)
				break;
			touch_day(days, &ndays, 64, e->e_day);
			event_delete(rc, e);
		}
		for (i = 0; i < ndays; i++)
			index_rewrite(rc, days[i]);
	}
	/* By size: the oldest segment anywhere, until under the limit. */
	ndays = 0;
	while (rec->r_cfg.cr_max_bytes > 0 &&
	    rec->r_total_bytes > rec->r_cfg.cr_max_bytes &&
	    (s = oldest(&orc)) != NULL) {
		for (i = 0; i < ndays; i++)
			if (owners[i] == orc && strcmp(days[i], s->s_day) == 0)
				break;
		if (i == ndays && ndays < 64) {
			owners[ndays] = orc;
			strlcpy(days[ndays++], s->s_day, 12);
		}
		seg_delete(orc, s, "size");
		/* Events older than what is left of the camera go with it. */
		s = TAILQ_FIRST(&orc->rc_segs);
		TAILQ_FOREACH_SAFE(e, &orc->rc_events, e_entry, enext) {
			if (e == orc->rc_event || s == NULL ||
			    e->e.end_ms >= s->s.start_ms)
				break;
			event_delete(orc, e);
		}
	}
	for (i = 0; i < ndays; i++)
		index_rewrite(owners[i], days[i]);
}

void
store_check_space(void)
{
	struct statvfs	sv;
	double		pct;

	if (statvfs(".", &sv) == -1 || sv.f_blocks == 0)
		return;
	pct = 100.0 * sv.f_bavail / sv.f_blocks;
	if (!rec->r_paused && pct < REC_FREE_FLOOR_PCT) {
		rec->r_paused = 1;
		log_warnx("recording paused: %.1f%% of the disk free, below "
		    "%d%%", pct, REC_FREE_FLOOR_PCT);
		record_pause_all();
	} else if (rec->r_paused && pct >= REC_FREE_RESUME_PCT) {
		rec->r_paused = 0;
		log_info("recording resumed: %.1f%% of the disk free", pct);
	}
}

void
store_free_all(void)
{
	struct rcam	*rc;
	struct rseg	*s;
	struct revt	*e;

	while ((rc = RB_MIN(rcamtree, &rec->r_cams)) != NULL) {
		RB_REMOVE(rcamtree, &rec->r_cams, rc);
		record_cam_free(rc);
		while ((s = TAILQ_FIRST(&rc->rc_segs)) != NULL) {
			TAILQ_REMOVE(&rc->rc_segs, s, s_entry);
			free(s);
		}
		while ((e = TAILQ_FIRST(&rc->rc_events)) != NULL) {
			TAILQ_REMOVE(&rc->rc_events, e, e_entry);
			free(e);
		}
		free(rc);
	}
	rec->r_ncams = 0;
	rec->r_total_bytes = 0;
}
