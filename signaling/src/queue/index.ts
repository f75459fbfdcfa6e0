/** The matchmaker's pure core: records, rules, state machines and figures. No I/O. */
export * from './model';
export * from './events';
export * from './inputs';
export { parseCatalogue, type Catalogue, type CatalogueFile, type CategoryInfo } from './catalogue';
export { clerkTransition, toClerkView, strategyKey, STAFFED_STATES, type ClerkEvent } from './clerk';
export { ticketTransition, isFinal, FINAL_TICKET_STATES, type TicketEvent } from './ticket';
export { sortKey, ticketScore, PRIORITY_BOOST_SECONDS } from './score';
export { erlangC, serviceLevel, clerksNeeded } from './erlang';
export { computeQueueStats, estimateWaitSeconds, dayOf } from './stats';
export { Desk, formatCaseReference } from './steps';
export { DEFAULT_DESK_OPTIONS, type DeskOptions } from './desk';
