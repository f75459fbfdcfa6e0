import type { types as msc } from 'mediasoup-client';
import type { MediaRequests, ProducerSource, RequestOf, ResultOf } from '@ablak/protocol';

type Request = <K extends keyof MediaRequests & string>(event: K, payload: RequestOf<MediaRequests, K>) => Promise<ResultOf<MediaRequests, K>>;

interface LocalEntry {
  track: MediaStreamTrack | null;
  /** The browser sends nothing for this source. */
  paused: boolean;
  /**
   * The SFU was told (its producer is paused, the others see "camera off"). A pre-warm or standby pause
   * is not told: nobody receives the track then, and resuming a producer the SFU never paused costs no
   * forced key-frame request — Chrome answers at most one key-frame request per 300 ms, and mediasoup
   * re-asks only after a second, so a wasted request at resume stalls the first viewer's video by ~1 s.
   */
  serverPaused: boolean;
  producer: msc.Producer | undefined;
  producing: Promise<void> | undefined;
}

/** Three simulcast layers (quarter, half, full resolution), each with three temporal layers. */
const CAMERA_SIMULCAST: msc.RtpEncodingParameters[] = [
  { scaleResolutionDownBy: 4, maxBitrate: 150_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 2, maxBitrate: 500_000, scalabilityMode: 'L1T3' },
  { scaleResolutionDownBy: 1, maxBitrate: 1_200_000, scalabilityMode: 'L1T3' },
];

/**
 * What this browser publishes, per source. Entries outlive transports: after a re-join every track is
 * produced again on the new send transport, with its paused state.
 */
export class LocalMedia {
  private readonly entries = new Map<ProducerSource, LocalEntry>();

  constructor(
    private readonly deps: {
      simulcast: boolean;
      request: Request;
      transport: () => msc.Transport | undefined;
    },
  ) {}

  track(source: ProducerSource): MediaStreamTrack | null {
    return this.entries.get(source)?.track ?? null;
  }
  paused(source: ProducerSource): boolean {
    return this.entries.get(source)?.paused ?? false;
  }

  async publish(source: ProducerSource, track: MediaStreamTrack, paused: boolean): Promise<void> {
    const existing = this.entries.get(source);
    if (existing) {
      existing.paused = paused;
      await this.replaceTrack(source, track);
      await this.setPaused(source, paused);
      return;
    }
    const entry: LocalEntry = { track, paused, serverPaused: false, producer: undefined, producing: undefined };
    this.entries.set(source, entry);
    await this.produce(source, entry);
  }

  /**
   * Whether a video source has the browser send abs-capture-time. mediasoup-client writes that
   * extension into the SDP offer by hand, with the lowest id free in that offer; when the camera is the
   * first section of the transport, Chromium later gives the same id to an audio extension and refuses
   * the mic's offer ("BUNDLE header extension id collision"). So a camera that sends it must be
   * negotiated after the mic (`cameraFirst`).
   */
  sendsCaptureTime(source: ProducerSource, kind: string): boolean {
    return kind === 'video' && (source !== 'camera' || this.deps.simulcast);
  }

  /** The camera can be negotiated before the mic (its picture is what the other side waits for). */
  get cameraFirst(): boolean {
    return !this.sendsCaptureTime('camera', 'video');
  }

  /** Produces every entry that has no producer on the current transport. */
  async republish(): Promise<void> {
    const order: ProducerSource[] = this.cameraFirst ? ['camera', 'mic', 'screen'] : ['mic', 'camera', 'screen'];
    const entries = [...this.entries].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
    await Promise.all(entries.map(([source, entry]) => this.produce(source, entry)));
  }

  async replaceTrack(source: ProducerSource, track: MediaStreamTrack | null): Promise<void> {
    const entry = this.entries.get(source);
    if (!entry) throw new Error(`nothing published for ${source}`);
    entry.track = track;
    await entry.producing;
    if (entry.producer && !entry.producer.closed) await entry.producer.replaceTrack({ track });
    else if (track) await this.produce(source, entry);
  }

  /** Pauses (announced to the SFU: the others see it paused) or resumes a source. */
  async setPaused(source: ProducerSource, paused: boolean): Promise<void> {
    const entry = this.entries.get(source);
    if (!entry) return;
    entry.paused = paused;
    await entry.producing;
    const producer = entry.producer;
    if (!producer || producer.closed) return;
    if (producer.paused !== paused) {
      if (paused) producer.pause();
      else producer.resume();
    }
    if (entry.serverPaused === paused) return;
    entry.serverPaused = paused;
    await this.deps.request(paused ? 'media:pause-producer' : 'media:resume-producer', { producerId: producer.id });
  }

  /** Stops sending without telling the SFU (a warm session between calls: nobody receives it). */
  async hold(source: ProducerSource): Promise<void> {
    const entry = this.entries.get(source);
    if (!entry) return;
    entry.paused = true;
    await entry.producing;
    if (entry.producer && !entry.producer.closed && !entry.producer.paused) entry.producer.pause();
  }

  async unpublish(source: ProducerSource): Promise<void> {
    const entry = this.entries.get(source);
    if (!entry) return;
    this.entries.delete(source);
    await entry.producing?.catch(() => undefined);
    const producer = entry.producer;
    if (producer && !producer.closed) {
      producer.close();
      await this.deps.request('media:close-producer', { producerId: producer.id }).catch(() => undefined);
    }
  }

  /** The transport is gone: forget its producers, keep the tracks. */
  detach(): void {
    for (const entry of this.entries.values()) {
      entry.producer?.close();
      entry.producer = undefined;
      entry.producing = undefined;
    }
  }

  close(): void {
    this.detach();
    this.entries.clear();
  }

  private produce(source: ProducerSource, entry: LocalEntry): Promise<void> {
    const transport = this.deps.transport();
    if (!transport || transport.closed || !entry.track || (entry.producer && !entry.producer.closed)) return entry.producing ?? Promise.resolve();
    if (entry.producing) return entry.producing;
    const track = entry.track;
    // mediasoup-client always declares abs-capture-time to the SFU but has the browser send it only when
    // asked. mediasoup then takes capture instants from it and, getting none, can align no simulcast layer
    // but the first a consumer picked: when the browser stopped that layer (bandwidth ramp-up, CPU, a
    // smaller camera after replaceTrack or an unmute) the receiver froze for good. Ask for it where there
    // are layers to align; a single-layer camera neither sends nor declares it (`captureTime: false`
    // makes the produce request drop it), so it can be negotiated before the mic (see `sendsCaptureTime`).
    const captureTime = this.sendsCaptureTime(source, track.kind);
    const options: msc.ProducerOptions = {
      track,
      stopTracks: false,
      disableTrackOnPause: false,
      zeroRtpOnPause: true,
      appData: { source, paused: entry.serverPaused, captureTime },
    };
    if (captureTime) options.headerExtensionOptions = { absCaptureTime: true };
    if (source === 'camera' && this.deps.simulcast) options.encodings = CAMERA_SIMULCAST;
    if (source === 'screen') {
      track.contentHint = 'detail';
      options.encodings = [{ maxBitrate: 1_500_000 }];
    }
    if (source === 'mic') options.codecOptions = { opusFec: true, opusDtx: true };
    entry.producing = (async () => {
      const producer = await transport.produce(options);
      entry.producer = producer;
      if (entry.paused) producer.pause();
      producer.on('transportclose', () => {
        if (entry.producer === producer) entry.producer = undefined;
      });
    })().finally(() => {
      entry.producing = undefined;
    });
    return entry.producing;
  }
}
