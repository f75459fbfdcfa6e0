import type { AppointmentContact } from '@ablak/protocol';
import type { Logger } from 'pino';
import type { SharedKv } from '../kv/types';

/** What a booking's confirmation message says. */
export interface ConfirmationMessage {
  appointmentCode: string;
  confirmationCode: string;
  slotStart: string;
}

/** Sends a booking's confirmation code to the citizen (e-mail or SMS). */
export interface ContactSender {
  sendConfirmation(contact: AppointmentContact, message: ConfirmationMessage): Promise<void>;
}

/** The outbox a delivery gateway (mail relay, SMS provider) drains: a list in the shared KV. */
export const CONTACT_OUTBOX_KEY = 'outbox:contact';
const OUTBOX_TTL_SECONDS = 24 * 3600;
const OUTBOX_MAX = 10_000;

/**
 * The shipped sender: queues each message in the shared KV outbox for the delivery gateway and logs
 * that it did (the appointment code only: never the address, the number or the confirmation code).
 */
export class OutboxContactSender implements ContactSender {
  constructor(
    private readonly kv: SharedKv,
    private readonly logger: Logger,
  ) {}

  async sendConfirmation(contact: AppointmentContact, message: ConfirmationMessage): Promise<void> {
    const to = contact.kind === 'email' ? contact.address : contact.number;
    const text = `Ablak: ${message.confirmationCode} confirms your appointment ${message.appointmentCode} (${message.slotStart}).`;
    await this.kv.push(
      CONTACT_OUTBOX_KEY,
      JSON.stringify({ channel: contact.kind, to, text, at: Date.now() }),
      OUTBOX_TTL_SECONDS,
      OUTBOX_MAX,
    );
    this.logger.info({ appointment: message.appointmentCode, channel: contact.kind }, 'confirmation code queued');
  }
}
