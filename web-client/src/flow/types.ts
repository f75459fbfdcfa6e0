import type { AccessibilityNeed, CaseTypeCode, LocalizedText } from '@ablak/protocol';
import type { DeviceChoice } from '@ablak/ui';

/** The matter the citizen picked, as much of the catalogue entry as later screens need. */
export interface ChosenMatter {
  code: CaseTypeCode;
  name: LocalizedText;
  expectedMinutes: number;
}

/** What the citizen has told us before a ticket exists. */
export interface Draft {
  appointmentCode?: string;
  matter?: ChosenMatter;
  displayName: string;
  accessibility: AccessibilityNeed[];
  devices: DeviceChoice;
  /** False when the citizen goes on without a camera (none, broken, or by choice). */
  camera: boolean;
}

export const emptyDraft: Draft = { displayName: '', accessibility: [], devices: {}, camera: true };

export type Step = 'start' | 'matter' | 'details' | 'devices' | 'ticket';
