import { z } from 'zod';
import { Empty } from './ack';
import { IceServer, Role } from './domain';
import { PeerId, RoomId } from './ids';
import { definePushes, defineRequests } from './rpc';

/*
 * The SFU's /media namespace. mediasoup's own parameter objects (RTP capabilities, ICE and DTLS
 * parameters, RTP parameters) cross the wire as loose objects: their shape is mediasoup's, and the
 * worker validates them again. Sizes are bounded so a hostile client cannot send megabytes.
 */
const Loose = z.looseObject({});
export const RtpCapabilities = z.looseObject({ codecs: z.array(Loose).max(64).optional() });
export const RtpParameters = z.looseObject({ codecs: z.array(Loose).max(64) });
export const DtlsParameters = z.looseObject({ fingerprints: z.array(Loose).min(1).max(8) });
export const MediaKind = z.enum(['audio', 'video']);
export const ProducerSource = z.enum(['mic', 'camera', 'screen']);
export type ProducerSource = z.infer<typeof ProducerSource>;
const MsId = z.string().min(1).max(64);

export const TransportOptions = z.object({
  id: MsId,
  iceParameters: Loose,
  iceCandidates: z.array(Loose),
  dtlsParameters: Loose,
  sctpParameters: Loose.optional(),
});
export type TransportOptions = z.infer<typeof TransportOptions>;

export const RemoteProducer = z.object({
  producerId: MsId,
  peerId: PeerId,
  peerName: z.string(),
  role: Role,
  kind: MediaKind,
  source: ProducerSource,
  paused: z.boolean(),
});
export type RemoteProducer = z.infer<typeof RemoteProducer>;

export const RemotePeer = z.object({ peerId: PeerId, name: z.string(), role: Role });
export type RemotePeer = z.infer<typeof RemotePeer>;

export const ConsumerOptions = z.object({
  id: MsId,
  producerId: MsId,
  kind: MediaKind,
  rtpParameters: Loose,
  peerId: PeerId,
  source: ProducerSource,
  producerPaused: z.boolean(),
});
export type ConsumerOptions = z.infer<typeof ConsumerOptions>;

export const mediaRequests = defineRequests({
  /** One round trip: router capabilities, both transports, peers and producers already in the room. */
  'media:join': {
    request: z.object({
      /** The device's capabilities, if the client already knows them (lets `consume` skip a step). */
      rtpCapabilities: RtpCapabilities.optional(),
      createSendTransport: z.boolean().default(true),
      createRecvTransport: z.boolean().default(true),
      forceTcp: z.boolean().default(false),
      /**
       * Make paused consumers of everything already in the room and answer them (needs
       * `rtpCapabilities`): the client wires them up with its receive transport, no consume round trip.
       */
      consume: z.boolean().default(false),
    }),
    result: z.object({
      routerRtpCapabilities: RtpCapabilities,
      sendTransport: TransportOptions.nullable(),
      recvTransport: TransportOptions.nullable(),
      peers: z.array(RemotePeer),
      producers: z.array(RemoteProducer),
      /** With `consume`: consumers of some or all of `producers`, already made (the client resumes them). */
      consumers: z.array(ConsumerOptions).optional(),
      iceServers: z.array(IceServer),
    }),
  },
  'media:set-capabilities': { request: z.object({ rtpCapabilities: RtpCapabilities }), result: Empty },
  'media:connect-transport': {
    request: z.object({ transportId: MsId, dtlsParameters: DtlsParameters }),
    result: Empty,
  },
  'media:produce': {
    request: z.object({
      transportId: MsId,
      kind: MediaKind,
      rtpParameters: RtpParameters,
      source: ProducerSource,
      paused: z.boolean().default(false),
    }),
    result: z.object({ producerId: MsId }),
  },
  /** Consumers start paused; the client resumes them once its track is wired up. */
  'media:consume': {
    request: z.object({ producerIds: z.array(MsId).min(1).max(16) }),
    result: z.object({ consumers: z.array(ConsumerOptions) }),
  },
  'media:pause-producer': { request: z.object({ producerId: MsId }), result: Empty },
  'media:resume-producer': { request: z.object({ producerId: MsId }), result: Empty },
  'media:close-producer': { request: z.object({ producerId: MsId }), result: Empty },
  'media:pause-consumer': { request: z.object({ consumerId: MsId }), result: Empty },
  /** Resumes and asks the producer for a key frame. */
  'media:resume-consumer': { request: z.object({ consumerIds: z.array(MsId).min(1).max(16) }), result: Empty },
  'media:set-preferred-layers': {
    request: z.object({
      consumerId: MsId,
      spatialLayer: z.number().int().min(0).max(2),
      temporalLayer: z.number().int().min(0).max(2).optional(),
    }),
    result: Empty,
  },
  'media:restart-ice': {
    request: z.object({ transportId: MsId }),
    result: z.object({ iceParameters: Loose }),
  },
  'media:stats': {
    request: z.object({}).strict(),
    result: z.object({ transports: z.array(Loose), producers: z.array(Loose), consumers: z.array(Loose) }),
  },
  'media:leave': { request: z.object({}).strict(), result: Empty },
  /**
   * Moves this connected peer (transports, producers and all) into the room of another grant for the
   * same peer on this node: a warm session enters a call without a new transport. The answer carries
   * the room's peers and producers and, for a peer that may subscribe, paused consumers of them
   * already created (the client resumes them once wired up).
   */
  'media:switch-room': {
    /** Without a grant: back to the peer's own room (the one its connection's grant names). */
    request: z.object({ grant: z.string().min(16).max(4096).optional() }),
    result: z.object({
      peers: z.array(RemotePeer),
      producers: z.array(RemoteProducer),
      consumers: z.array(ConsumerOptions),
    }),
  },
  /**
   * Connects the receive transport ahead of the first remote track: the SFU answers with a paused
   * consumer of one of the peer's own producers; consuming it locally runs ICE and DTLS. The SFU closes
   * that consumer on its own once the transport is connected (or after a few seconds).
   */
  'media:warm-up': {
    request: z.object({}).strict(),
    result: z.object({ consumer: ConsumerOptions.nullable() }),
  },
  /**
   * A connected warm session gets ready for a call it was offered (prepare grant from
   * `offer:prepare-media`, same peer): the SFU pipes tracks both ways and makes paused consumers, the
   * session's own (answered here) and the room members' of its tracks (pushed to them as
   * `media:consumers-added` with `prepared`). Nothing flows and nobody is announced until the session
   * switches in with the accept's grant; then the consumers that are wired resume at once. A new
   * prepare replaces the previous one; it lapses on its own after PREPARE_TTL_SECONDS.
   */
  'media:prepare': {
    request: z.object({ grant: z.string().min(16).max(4096) }),
    result: z.object({ consumers: z.array(ConsumerOptions) }),
  },
  /**
   * Extends the life of a grant in force with a fresh one for the same peer, role and room: the
   * connection's own grant, or the grant of the room this peer switched into. The SFU ends a grant at
   * its `exp` (the connection closes, or the peer leaves the room it switched into) and says so a
   * little before with `media:grant-expiring`. Answers the new expiry (ms since the epoch).
   */
  'media:refresh-grant': {
    request: z.object({ grant: z.string().min(16).max(4096) }),
    result: z.object({ expiresAt: z.number() }),
  },
  /** Drops this session's preparation (the offer was declined or went elsewhere); nothing if none. */
  'media:unprepare': { request: z.object({}).strict(), result: Empty },
  /**
   * Prepared consumers this client has wired up: each resumes (with a key-frame request) as soon as its
   * call starts, or at once if it already has.
   */
  'media:consumers-ready': { request: z.object({ consumerIds: z.array(MsId).min(1).max(16) }), result: Empty },
});

/** How long a preparation waits for its accept before the SFU drops it (the offer deadline is 15 s). */
export const PREPARE_TTL_SECONDS = 30;
export type MediaRequests = typeof mediaRequests;

export const mediaPushes = definePushes({
  'media:peer-joined': RemotePeer,
  'media:peer-left': z.object({ peerId: PeerId }),
  'media:producer-added': RemoteProducer,
  /**
   * Consumers the SFU already made for this peer (paused; the client resumes them once wired up):
   * sent instead of `media:producer-added` when a warm peer switches into the room, saving a round trip.
   */
  'media:consumers-added': z.object({
    consumers: z.array(ConsumerOptions).max(16),
    /**
     * Made for a peer that is only preparing to enter: wire them up (and say so with
     * `media:consumers-ready`) but show nothing until `media:consumers-live` names them.
     */
    prepared: z.boolean().optional(),
  }),
  /** Prepared consumers whose call started: show them (the SFU resumes the wired ones itself). */
  'media:consumers-live': z.object({ consumerIds: z.array(MsId).max(16) }),
  'media:producer-closed': z.object({ producerId: MsId }),
  'media:producer-paused': z.object({ producerId: MsId, paused: z.boolean() }),
  'media:consumer-closed': z.object({ consumerId: MsId, producerId: MsId }),
  'media:consumer-layers-changed': z.object({
    consumerId: MsId,
    spatialLayer: z.number().int().nullable(),
    temporalLayer: z.number().int().nullable(),
  }),
  /** The room moved (worker died) or the server asks for a clean re-join. */
  'media:reconnect-required': z.object({ reason: z.string() }),
  'media:room-closed': z.object({ reason: z.string() }),
  /** The call room this peer had switched into ended; the peer stays connected and warm. */
  'media:room-left': z.object({ reason: z.string() }),
  /**
   * A grant in force ends soon (`expiresAt`, ms since the epoch, the SFU's clock): the grant of the
   * connection when `room` is the connection's own room, else the grant of the room it switched into.
   * Send a fresh one with `media:refresh-grant` or lose that room at `expiresAt`.
   */
  'media:grant-expiring': z.object({ room: RoomId, expiresAt: z.number() }),
});
export type MediaPushes = typeof mediaPushes;

/** How long before a grant's `exp` the SFU pushes `media:grant-expiring` (a third of its life if shorter). */
export const GRANT_RENEW_LEAD_SECONDS = 60;

/**
 * A room whose grants the SFU no longer takes (its call ended or was transferred): every SFU node closes
 * it and refuses grants for it until `until` (ms since the epoch: past the longest life of a grant
 * minted before the revocation). Published by signaling on MEDIA_REVOCATION_CHANNEL and kept in the
 * sorted set MEDIA_REVOCATIONS_KEY (score `until`) for nodes that start later.
 */
export const MediaRevocation = z.object({ room: RoomId, until: z.number().int().positive() });
export type MediaRevocation = z.infer<typeof MediaRevocation>;
export const MEDIA_REVOCATION_CHANNEL = 'ablak:media:revoked';
export const MEDIA_REVOCATIONS_KEY = 'ablak:media:revocations';
