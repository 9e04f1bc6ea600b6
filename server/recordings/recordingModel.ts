import { Schema, type Connection, type Model } from 'mongoose';

export interface RecordingDoc {
  _id: string;
  hearingId: string;
  caseId: string;
  participantId: string;
  participantName: string;
  /** 1, 2, ...: a new segment starts when the participant's media changes or ffmpeg had to be restarted. */
  segment: number;
  /** Relative to RECORDINGS_DIR. */
  file: string;
  status: 'recording' | 'finalised';
  startedAt: string;
  endedAt?: string;
  sha256?: string;
  size?: number;
  durationSeconds?: number;
  codecs?: string[];
  /** False when ffmpeg did not finish the file itself (it crashed); the file still verifies. */
  clean?: boolean;
  /**
   * The server writing it stopped (its node died): closed by the server that took the hearing
   * over, with what had been written by then (endedAt is the file's last write).
   */
  interrupted?: boolean;
}

const recordingSchema = new Schema<RecordingDoc>(
  {
    _id: String,
    hearingId: { type: String, required: true, index: true },
    caseId: { type: String, required: true, index: true },
    participantId: { type: String, required: true },
    participantName: { type: String, required: true },
    segment: { type: Number, required: true },
    file: { type: String, required: true },
    status: { type: String, required: true },
    startedAt: { type: String, required: true },
    endedAt: String,
    sha256: String,
    size: Number,
    durationSeconds: Number,
    codecs: [String],
    clean: Boolean,
    interrupted: Boolean,
  },
  { versionKey: false },
);

export function recordingModel(connection: Connection): Model<RecordingDoc> {
  return (connection.models.Recording as Model<RecordingDoc> | undefined) ?? connection.model<RecordingDoc>('Recording', recordingSchema, 'recordings');
}
