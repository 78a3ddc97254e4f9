/* Files of checkpoints kept apart from the log they sign (escortd keeps one
 * per session: STATE/checkpoints/SESSION.notes). Each entry is one signed
 * note in its C2SP text form followed by an empty line; the file is only
 * ever appended to. Hostile input: both the file and each note are bounded. */
#ifndef ESCORT_CHECKPOINT_FILE_H
#define ESCORT_CHECKPOINT_FILE_H

#include "util/buf.h"
#include "util/error.h"

#include <stddef.h>
#include <stdint.h>

#define CHECKPOINT_NOTE_MAX 4096u	/* one note, signatures included */
#define CHECKPOINT_FILE_MAX (64u << 20) /* a whole file */

struct kept_note {
	const uint8_t *text; /* into the list's data */
	size_t len;
};

struct kept_notes {
	struct buf data;
	struct kept_note *notes;
	size_t count;
};

/* Splits data (copied) into notes. Returns 0, or -1 with err naming the
 * entry that is malformed or too large. */
int kept_notes_parse(struct kept_notes *out, const uint8_t *data, size_t len, struct error *err);
/* Reads a file of kept notes: a regular file of at most CHECKPOINT_FILE_MAX. */
int kept_notes_load(struct kept_notes *out, const char *path, struct error *err);
void kept_notes_free(struct kept_notes *k);

/* Checks that a note looks like a checkpoint (its signature is not checked)
 * and is not too large: what escortd requires before keeping one. */
int kept_note_check(const uint8_t *note, size_t len, struct error *err);

/* Appends one note and the empty line in one write, then with sync an
 * fdatasync; refuses once the file would pass CHECKPOINT_FILE_MAX. Blocks:
 * never on an event loop. */
int kept_note_append(const char *path, const uint8_t *note, size_t len, int sync,
		     struct error *err);

#endif
