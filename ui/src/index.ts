// @ablak/ui: the pieces both web apps share. Styles: import '@ablak/ui/styles.css'.
export { createI18n, currentLanguage, initialLanguage, UI_LANGUAGES, type I18nOptions } from './i18n/setup';
export { makeFormatters, useFormat, localeOf, type Formatters } from './i18n/format';
export { uiHu, uiEn } from './i18n/strings';

export { AppError, isAppError, readFailure, errorCodeOf } from './net/errors';
export {
  connectNamespace,
  request,
  DEFAULT_ACK_TIMEOUT_MS,
  type ConnectOptions,
  type TypedSocket,
} from './net/socket';
export {
  useNamespaceSocket,
  useSocketEvent,
  useCitizenSocket,
  useClerkSocket,
  useSupervisorSocket,
  type SocketState,
  type SocketStatus,
  type CitizenSocket,
  type ClerkSocket,
  type SupervisorSocket,
} from './net/useSocket';
export { apiFetch, apiBlob, type ApiOptions } from './net/http';

export {
  classifyMediaError,
  browserSupport,
  openLocalMedia,
  stopStream,
  useMediaDevices,
  canChooseSpeaker,
  playChime,
  type MediaProblem,
  type DeviceChoice,
  type MediaDevices,
} from './media/devices';
export { useMicLevel } from './media/useMicLevel';

export { VideoTile, type VideoTileProps } from './components/VideoTile';
export { DevicePicker, type DevicePickerProps } from './components/DevicePicker';
export { MicLevelMeter, type MicLevelMeterProps } from './components/MicLevelMeter';
export { ChatPanel, type ChatPanelProps } from './components/ChatPanel';
export {
  ConnectionQuality,
  qualityOf,
  type Quality,
  type QualityFigures,
  type ConnectionQualityProps,
} from './components/ConnectionQuality';
export { LanguageSwitcher } from './components/LanguageSwitcher';
export { ConfirmDialog, type ConfirmDialogProps } from './components/ConfirmDialog';
export { BarChart, type BarChartProps, type BarChartPoint } from './components/BarChart';
export { saveBlob } from './data/download';
