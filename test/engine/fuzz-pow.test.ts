import { describe } from 'vitest';
import { fuzzSuite } from '../support/fuzz-suite.ts';

describe('simulation testing: pow', () => fuzzSuite('pow', 10, false));
