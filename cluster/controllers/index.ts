// The controllers the embedded cluster runs, one per file. Each is an API client (see controllerContext.ts).
import { Controller } from './controllerContext';

export const CONTROLLERS: (() => Controller)[] = [];
