/**
 * The hearing domain words (state-machines/hearing) as the client may use them,
 * without the signalling schemas: importing this file pulls no validator into a bundle.
 */
export * from '../state-machines/hearing/hearingTypes.js';
// The client offers only the caucus rooms the server would allow.
export { allowedRooms } from '../state-machines/hearing/participantRules.js';
