import { readNotes, toNote, wireNote } from '../ghl/followUpRecords';
import { EXT_GHL_IPC as C } from '../protocol/channels';
import { ExtGhlError } from '../protocol/envelope';
import type { Note } from '../protocol/responses';
import type { HandlerContext } from './context';
import type { HandlerTable } from './dispatcher';
import { requireLocationId } from './settings';

type NoteChannels = typeof C.NOTES_LIST | typeof C.NOTES_CREATE | typeof C.NOTES_UPDATE | typeof C.NOTES_DELETE;

/** #17: a contact's notes, live from GHL (nothing cached: the contact details read them when shown). */
export function noteHandlers(ctx: HandlerContext): Pick<HandlerTable, NoteChannels> {
  const noteFrom = (record: unknown, contactId: string): Note => {
    const parsed = wireNote.safeParse(record);
    if (!parsed.success) throw new ExtGhlError('API', 'GHL accepted the note but sent back no note it can read.');
    return toNote(parsed.data, contactId);
  };
  return {
    async [C.NOTES_LIST]({ contactId }) {
      requireLocationId(ctx);
      return { items: readNotes((await (await ctx.api()).getNotes(contactId)).notes, contactId) };
    },
    async [C.NOTES_CREATE]({ contactId, body }) {
      requireLocationId(ctx);
      return noteFrom((await (await ctx.api()).createNote(contactId, { body })).note, contactId);
    },
    async [C.NOTES_UPDATE]({ contactId, noteId, body }) {
      requireLocationId(ctx);
      return noteFrom((await (await ctx.api()).updateNote(contactId, noteId, { body })).note, contactId);
    },
    async [C.NOTES_DELETE]({ contactId, noteId }) {
      requireLocationId(ctx);
      await (await ctx.api()).deleteNote(contactId, noteId);
      return { contactId, noteId };
    },
  };
}
