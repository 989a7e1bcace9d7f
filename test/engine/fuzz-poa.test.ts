import { describe } from 'vitest';
import { fuzzSuite } from '../support/fuzz-suite.ts';

describe('simulation testing: poa', () => fuzzSuite('poa', 10, true));
