// The last save's confirmation, shown once by the list the form returns to.
import { signal } from '@preact/signals';

export const flash = signal<string | null>(null);
