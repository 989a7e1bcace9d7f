/**
 * The studio's keyboard map, as data: the help overlay lists it and App dispatches it. Views add
 * their own keys for their view (the scenario player's arrows step the story, not the network).
 */
export interface KeyBinding {
  /** KeyboardEvent.key values that trigger it. */
  keys: readonly string[];
  /** What the help overlay shows, e.g. "Space". */
  label: string;
  does: string;
  /** Only in this view (undefined: everywhere). */
  view?: string;
}

export const GLOBAL_KEYS: readonly KeyBinding[] = [
  { keys: [' '], label: 'Space', does: 'Play or pause' },
  { keys: ['ArrowRight'], label: '→', does: 'Step forward (network: one block; scenario: one step)' },
  { keys: ['ArrowLeft'], label: '←', does: 'Step back (scenario)' },
  { keys: ['.'], label: '.', does: 'Step one event (network)' },
  { keys: ['Home', 'End'], label: 'Home / End', does: 'Start or end of the story', view: 'scenario' },
  { keys: ['w', 'W'], label: 'W', does: 'What if… change something at this step of the story', view: 'scenario' },
  { keys: ['+', '='], label: '+', does: 'Faster' },
  { keys: ['-', '_'], label: '−', does: 'Slower' },
  { keys: ['1', '2', '3', '4', '5'], label: '1 – 5', does: 'Network, Chain, Scenarios, Metrics, Quick run' },
  { keys: ['p', 'P'], label: 'P', does: 'Presentation mode on or off' },
  { keys: ['?'], label: '?', does: 'Show or hide this help' },
  { keys: ['Escape'], label: 'Esc', does: 'Close help; leave presentation mode' },
];

/** True when a key press belongs to a text field or control that needs it. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const element = target as HTMLElement;
  const tag = element.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT' || element.isContentEditable) return true;
  if (tag === 'INPUT') {
    const type = (element as HTMLInputElement).type;
    return !['button', 'checkbox', 'radio', 'range', 'submit', 'reset'].includes(type);
  }
  return false;
}
